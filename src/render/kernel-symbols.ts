/**
 * The one table of kernel names the docs link: for each name, the tree, file and line it
 * is defined at (or, for a few mainline calls the flaw is about, the line that calls it).
 * Links go to Elixir at a release tag (`v3.6`, `v5.10.7`, `v7.0`); the files those tags
 * hold are the ones in `../shared/kernel` (same git blob ids, recorded below and in its
 * README). test/docs/kernel-links.test.ts reads each line here from `../shared/kernel` and
 * fails when it does not hold the name, and when a file's blob id is not the one recorded.
 * @module
 */

/** A kernel tree the docs cite: the folder in ../shared/kernel and the release tag. */
export interface KernelTree {
  /** The release tag Elixir and kernel.org know (`v3.6`). */
  readonly tag: string;
  /** Git blob id of each cited file, as in ../shared/kernel/README.md. */
  readonly blobs: Readonly<Record<string, string>>;
}

/** Folder name in ../shared/kernel → tree. */
export const KERNEL_TREES = {
  'linux-3.6': {
    tag: 'v3.6',
    blobs: {
      'drivers/dma/dmaengine.c': '3491654cdf7b84fdcd2253f71542b3a53dcefdb9',
      'include/linux/dmaengine.h': '9c02a4508b25380123ab6e2b24c6879645b2961a',
      'include/linux/async_tx.h': 'a1c486a88e8856bc572f1c481764833d0987fa16',
      'kernel/jump_label.c': '43049192b5ec9bcb57863b3729b3cb6ac18b8d0c',
    },
  },
  'linux-5.10.7': {
    tag: 'v5.10.7',
    blobs: {
      'drivers/dma/dmaengine.c': '962cbb5e5f7fcb630806ec7abb75be479ffa9899',
      'include/linux/dmaengine.h': 'dd357a747780fc63017ea2d07db8c5c80f177e66',
      'lib/percpu-refcount.c': 'e59eda07305e61481beef67dd2122d31f3718d3c',
      'include/linux/percpu-refcount.h': '16c35a728b4c877ac0bb9b8153d1670e77767ec1',
    },
  },
  'linux-7.0': {
    tag: 'v7.0',
    blobs: {
      'drivers/dma/dmaengine.c': '27a8980b03dd262458baf06b9ca00b635622e954',
      'include/linux/dmaengine.h': '99efe2b9b4ea9844ca6161208362ef18ef111d96',
    },
  },
} as const satisfies Readonly<Record<string, KernelTree>>;

/** A tree's folder name. */
export type KernelTreeName = keyof typeof KERNEL_TREES;

/**
 * What the line holds: a function definition, a `#define`, a file-scope variable, a
 * struct member or struct, or (for kernel-wide helpers defined outside the cited files)
 * the call the flaw turns on.
 */
export type SymbolKind = 'function' | 'macro' | 'variable' | 'member' | 'struct' | 'call';

/** One name at one line of one tree. */
export interface KernelSymbol {
  readonly name: string;
  readonly tree: KernelTreeName;
  readonly file: string;
  readonly line: number;
  readonly kind: SymbolKind;
}

const C36 = 'drivers/dma/dmaengine.c';
const H = 'include/linux/dmaengine.h';
const PC = 'lib/percpu-refcount.c';
const PH = 'include/linux/percpu-refcount.h';

type Row = readonly [string, number, SymbolKind, string?];
const rows = (tree: KernelTreeName, file: string, list: readonly Row[]): KernelSymbol[] => list.map(([name, line, kind]) => ({ name, tree, file, line, kind }));

/**
 * Every linked name, in order of preference: a name in several trees links to the first
 * listed (3.6 for the 3.x logic the designs start from) unless a page asks for another
 * tree (`<!-- dmaspec:kernel-tree linux-7.0 -->`, src/render/link-citations.ts).
 */
export const KERNEL_SYMBOLS: readonly KernelSymbol[] = [
  ...rows('linux-3.6', C36, [
    ['dma_list_mutex', 66, 'variable'],
    ['dma_device_list', 68, 'variable'],
    ['dmaengine_ref_count', 69, 'variable'],
    ['dma_chan_to_owner', 185, 'function'],
    ['balance_ref_count', 196, 'function'],
    ['dma_chan_get', 212, 'function'],
    ['dma_chan_put', 247, 'function'],
    ['channel_table', 291, 'variable'],
    ['dma_find_channel', 331, 'function'],
    ['this_cpu_read', 333, 'call'],
    ['net_dma_find_channel', 341, 'function'],
    ['dma_issue_pending_all', 354, 'function'],
    ['nth_chan', 380, 'function'],
    ['dma_channel_rebalance', 425, 'function'],
    ['private_candidate', 462, 'function'],
    ['__dma_request_channel', 504, 'function'],
    ['dma_release_channel', 549, 'function'],
    ['dmaengine_get', 565, 'function'],
    ['dmaengine_put', 603, 'function'],
    ['dma_async_device_register', 688, 'function'],
    ['dma_async_device_unregister', 834, 'function'],
    ['dma_async_memcpy_buf_to_pg', 917, 'function'],
  ]),
  ...rows('linux-3.6', H, [
    ['dma_chan', 271, 'struct'],
    ['client_count', 282, 'member'],
    ['table_count', 283, 'member'],
    ['dma_device', 538, 'struct'],
    ['privatecnt', 541, 'member'],
    ['device_alloc_chan_resources', 556, 'member'],
    ['device_free_chan_resources', 557, 'member'],
    ['device_issue_pending', 604, 'member'],
    ['async_dma_find_channel', 808, 'macro'],
    ['dma_has_cap', 885, 'macro'],
    ['dma_async_issue_pending', 904, 'function'],
    ['dma_request_channel', 1002, 'macro'],
  ]),
  ...rows('linux-3.6', 'include/linux/async_tx.h', [['async_memcpy', 181, 'function']]),
  ...rows('linux-3.6', 'kernel/jump_label.c', [
    ['static_key_slow_inc', 58, 'function'],
    ['static_key_slow_dec', 103, 'function'],
    ['jump_label_update', 435, 'function'],
  ]),
  // The kref as shipped (8ad342a86359, Linux 5.6) is unchanged in 7.0: link the newest.
  ...rows('linux-7.0', C36, [
    ['min_chan', 322, 'function'],
    ['dma_device_release', 425, 'function'],
    ['dma_device_put', 436, 'function'],
    ['kref_put', 439, 'call'],
    ['kref_get_unless_zero', 463, 'call'],
    ['__dma_async_device_channel_unregister', 1137, 'function'],
    ['kref_init', 1224, 'call'],
    // Mainline bodies of the 3.6 names, for pages about mainline.
    ['balance_ref_count', 415, 'function'],
    ['dma_chan_get', 448, 'function'],
    ['dma_chan_put', 496, 'function'],
    ['dma_find_channel', 547, 'function'],
    ['dma_release_channel', 903, 'function'],
    ['dmaengine_get', 962, 'function'],
    ['dmaengine_put', 1001, 'function'],
    ['dma_async_device_register', 1171, 'function'],
    ['dma_async_device_unregister', 1299, 'function'],
    ['dma_channel_rebalance', 363, 'function'],
    ['dma_list_mutex', 60, 'variable'],
    ['dma_device_list', 62, 'variable'],
    ['dmaengine_ref_count', 63, 'variable'],
    ['dma_chan_to_owner', 404, 'function'],
    ['dma_issue_pending_all', 556, 'function'],
    ['private_candidate', 621, 'function'],
    ['__dma_request_channel', 757, 'function'],
  ]),
  ...rows('linux-7.0', H, [
    ['dma_chan', 338, 'struct'],
    ['client_count', 354, 'member'],
    ['table_count', 355, 'member'],
    ['dma_device', 868, 'struct'],
    ['device_alloc_chan_resources', 899, 'member'],
    ['device_free_chan_resources', 901, 'member'],
    ['device_issue_pending', 955, 'member'],
    ['device_release', 956, 'member'],
  ]),
  // 5.10.7, for the design that models it (kref-5-10): the same functions at its lines.
  ...rows('linux-5.10.7', C36, [
    ['dma_list_mutex', 58, 'variable'],
    ['dma_device_list', 60, 'variable'],
    ['dmaengine_ref_count', 61, 'variable'],
    ['min_chan', 320, 'function'],
    ['dma_channel_rebalance', 361, 'function'],
    ['dma_chan_to_owner', 402, 'function'],
    ['balance_ref_count', 413, 'function'],
    ['dma_device_release', 423, 'function'],
    ['dma_device_put', 434, 'function'],
    ['kref_put', 437, 'call'],
    ['dma_chan_get', 446, 'function'],
    ['kref_get_unless_zero', 460, 'call'],
    ['dma_chan_put', 493, 'function'],
    ['dma_find_channel', 544, 'function'],
    ['dma_issue_pending_all', 553, 'function'],
    ['private_candidate', 618, 'function'],
    ['__dma_request_channel', 755, 'function'],
    ['dma_release_channel', 903, 'function'],
    ['dmaengine_get', 932, 'function'],
    ['dmaengine_put', 971, 'function'],
    ['__dma_async_device_channel_unregister', 1106, 'function'],
    ['dma_async_device_register', 1140, 'function'],
    ['kref_init', 1235, 'call'],
    ['dma_async_device_unregister', 1311, 'function'],
  ]),
  ...rows('linux-5.10.7', H, [
    ['dma_chan', 329, 'struct'],
    ['client_count', 345, 'member'],
    ['table_count', 346, 'member'],
    ['dma_device', 844, 'struct'],
    ['device_alloc_chan_resources', 876, 'member'],
    ['device_free_chan_resources', 877, 'member'],
    ['device_issue_pending', 932, 'member'],
    ['device_release', 933, 'member'],
  ]),
  ...rows('linux-5.10.7', PC, [
    ['percpu_ref_init', 62, 'function'],
    ['percpu_ref_switch_to_atomic_rcu', 165, 'function'],
    ['percpu_ref_kill_and_confirm', 375, 'function'],
  ]),
  ...rows('linux-5.10.7', PH, [
    ['percpu_ref_kill', 147, 'function'],
    ['__ref_is_percpu', 158, 'function'],
    ['percpu_ref_get', 220, 'function'],
    ['percpu_ref_tryget', 264, 'function'],
    ['percpu_ref_tryget_live', 284, 'function'],
    ['percpu_ref_put', 336, 'function'],
  ]),
];

/**
 * Kernel-wide helpers the docs name that are defined outside the files in ../shared/kernel
 * (RCU, mutexes, per-CPU ops, CPU hotplug, networking): they link to Elixir's identifier
 * page at the tree's tag, which lists every definition and use — no line to check.
 */
export const KERNEL_IDENTS: Readonly<Record<string, KernelTreeName>> = {
  synchronize_rcu: 'linux-3.6',
  call_rcu: 'linux-3.6',
  rcu_read_lock: 'linux-3.6',
  rcu_read_unlock: 'linux-3.6',
  list_del_rcu: 'linux-3.6',
  list_del: 'linux-3.6',
  list_for_each_entry_rcu: 'linux-3.6',
  list_for_each_entry: 'linux-3.6',
  mutex_lock: 'linux-3.6',
  mutex_unlock: 'linux-3.6',
  this_cpu_inc: 'linux-3.6',
  this_cpu_dec: 'linux-3.6',
  per_cpu: 'linux-3.6',
  free_percpu: 'linux-3.6',
  module_put: 'linux-3.6',
  __module_get: 'linux-3.6',
  try_module_get: 'linux-3.6',
  wait_event: 'linux-3.6',
  wait_event_timeout: 'linux-3.6',
  set_current_state: 'linux-3.6',
  static_key_false: 'linux-3.6',
  arch_jump_label_transform: 'linux-3.6',
  stop_machine: 'linux-3.6',
  get_online_cpus: 'linux-3.6',
  cpu_hotplug_begin: 'linux-3.6',
  cpu_hotplug_done: 'linux-3.6',
  cpu_online_mask: 'linux-3.6',
  cpu_up: 'linux-3.6',
  _cpu_up: 'linux-3.6',
  _cpu_down: 'linux-3.6',
  tcp_recvmsg: 'linux-3.6',
  net_rx_action: 'linux-3.6',
  atomic_inc: 'linux-3.6',
  refcount_dec_and_test: 'linux-7.0',
};

/** The mainline trees: a name a page about one of them lacks links to the other before 3.6. */
export const MAINLINE_TREES: readonly KernelTreeName[] = ['linux-7.0', 'linux-5.10.7'];

/**
 * The tree a design models, where it is not 3.6 (the base every other design starts from):
 * the kref designs are mainline's code (src/designs/kref/model.ts; src/kernel/build.ts
 * replays each on that file), so their steps and pages link mainline's lines.
 */
const DESIGN_TREES: Readonly<Record<string, KernelTreeName>> = { kref: 'linux-7.0', 'kref-fixed': 'linux-7.0', 'kref-5-10': 'linux-5.10.7' };

/** The tree whose lines a design's steps link (undefined: the default, 3.6). */
export function designKernelTree(design: string | undefined): KernelTreeName | undefined {
  return design === undefined ? undefined : DESIGN_TREES[design];
}

/** Names the RFC adds (not in any release): they link to the RFC v2 3/7 post. */
export const RFC_NAMES: readonly string[] = [
  'dma_get_channel',
  'dma_put_channel',
  'dma_channel_quiesce',
  'dmaengine_dirty',
  'dmaengine_quiesce',
  'dmaengine_chan_ref_count',
  'dma_device_wait_queue',
  'dmaengine_wait_queue',
  'hotcpu_rebalance',
  'dmaengine_client_count',
];

/** The RFC patch (Jiang Liu, 2012-05-14, "[RFC v2 3/7] dmaengine: enhance dmaengine to support DMA device hotplug"). */
export const RFC_URL = 'https://lore.kernel.org/lkml/1337003229-9158-4-git-send-email-jiang.liu@huawei.com/';

/** Commit 8ad342a86359, "dmaengine: Add reference counting to dma_device struct" (Logan Gunthorpe, Linux 5.6). */
export const KREF_COMMIT = '8ad342a86359';

/** Where commit {@link KREF_COMMIT} is read. */
export const KREF_COMMIT_URL = `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=${KREF_COMMIT}`;

/** An Elixir URL for a line of a tree's file. */
export function elixirLine(tree: KernelTreeName, file: string, line: number): string {
  return `https://elixir.bootlin.com/linux/${KERNEL_TREES[tree].tag}/source/${file}#L${line}`;
}

/** An Elixir URL for an identifier's definitions and uses in a tree. */
export function elixirIdent(tree: KernelTreeName, name: string): string {
  return `https://elixir.bootlin.com/linux/${KERNEL_TREES[tree].tag}/A/ident/${name}`;
}
