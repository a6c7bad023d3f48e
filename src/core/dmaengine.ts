/**
 * The executable refcount core: the state and rules of drivers/dma/dmaengine.c (Linux 3.4)
 * that decide who holds a channel, plus the RFC's per-CPU hot-path variables, which the
 * design in use reads and writes through {@link DesignHooks}.
 *
 * Every public method is one kernel function (named in its TSDoc). Misuse throws a
 * {@link DmaRuleError} before anything is changed. Bad uses of channels (use after free,
 * use of removed hardware) are recorded in {@link DmaEngine.violations}, never thrown.
 * @module
 */
import type { Capability } from '../scenario.ts';
import { TABLE_ROWS, type TableRow } from '../table-rows.ts';
import type { DesignHooks, DesignStrategy } from './design.ts';
import { DmaRuleError } from './errors.ts';
import { hasCap, type DmaChan, type DmaDevice } from './objects.ts';
import { dmaChannelRebalance, nthChan, type RebalanceState } from './rebalance.ts';
import { violationText } from '../../spec/vocabulary.ts';

/** One `synchronize_rcu()` in progress: the walks it still waits for, by thread name. */
export interface GracePeriod {
  readonly readers: Set<string>;
}

/** What a kernel is built from. */
export interface EngineOptions {
  /** Possible CPUs 0..cpus-1, all online at boot. */
  readonly cpus: number;
  readonly strategy: DesignStrategy;
  /** Consecutive zero sums `dma_channel_quiesce` needs (RFC: 10). */
  readonly quiesceThreshold?: number;
}

/** The dmaengine core state of one kernel. */
export class DmaEngine implements RebalanceState {
  readonly cpus: number;
  readonly cpuOnline: boolean[];
  /** `dma_device_list`, in list order (`list_add_tail_rcu`). */
  readonly deviceList: DmaDevice[] = [];
  /** `dmaengine_ref_count`. */
  dmaengineRefCount = 0;
  /** `channel_table[cap]`, one slot per possible CPU, for every row of src/table-rows.ts. */
  readonly table: Record<TableRow, (DmaChan | null)[]>;
  /** RFC per-CPU `dmaengine_chan_ref_count` (may go negative on one CPU). */
  readonly ref: number[];
  /** RFC static key `dmaengine_quiesce`. */
  key = false;
  /** RFC `dmaengine_dirty`. */
  dirty = 0;
  readonly quiesceThreshold: number;
  /**
   * The running `dma_channel_quiesce`'s locals (consecutive zero rounds, this round's sum,
   * next CPU to read), or null. Not observable state; shown in logs.
   */
  quiesce: { count: number; sum: number; next: number } | null = null;
  /**
   * `dma_list_mutex` held across preemption points: by whom, or null. Every other user
   * takes and drops it inside one step, so only finds it free ({@link listMutexFree}).
   */
  listMutexOwner: string | null = null;
  /** `cpu_hotplug.lock` held by a CPU-hotplug writer (`cpu_hotplug_begin` … `cpu_hotplug_done`). */
  hotplugLocked = false;
  /**
   * Some thread runs with preemption off (ClientState `preemptOff`): `stop_machine` (a
   * static key flip, `_cpu_down`) cannot run now. The System that owns the clients sets it.
   */
  preemptOffAnywhere: () => boolean = () => false;
  /**
   * `dma_issue_pending_all` walks inside `rcu_read_lock`: walker → the devices it will still
   * read, in list order (every device listed when it began, private ones too, less those a
   * {@link listDelRcu} took out of its path).
   */
  readonly rcuWalks = new Map<string, DmaDevice[]>();
  /** Per open walk: the channel whose `client_count` it read non-zero, before its `device_issue_pending`. */
  private readonly rcuPending = new Map<string, DmaChan>();
  /** The grace periods of `synchronize_rcu()` calls in progress. */
  private readonly gracePeriods = new Set<GracePeriod>();
  /** Observed misbehaviours `<kind>:<thread>:<chan>`, each once. */
  readonly violations = new Set<string>();
  /** Walkers that oopsed on a poisoned `device_node.next` ({@link walkOn}): they take no further step. */
  readonly oopsed = new Set<string>();
  /**
   * The thread whose step runs now (the kernel's `current`), set by the System before it
   * resumes a thread: who a design charges a violation found inside a core call to.
   */
  current = 'kernel';
  /** Kernel log lines (`WARN_ONCE` and the like), oldest first. */
  readonly warnings: string[] = [];
  /** The bound release-notification design. */
  readonly design: DesignHooks;
  /** Devices that were ever registered (to tell "unknown" from "unregistered twice"). */
  private readonly known = new Set<DmaDevice>();

  constructor(options: EngineOptions) {
    this.cpus = options.cpus;
    this.cpuOnline = new Array<boolean>(options.cpus).fill(true);
    this.ref = new Array<number>(options.cpus).fill(0);
    this.quiesceThreshold = options.quiesceThreshold ?? 10;
    this.table = Object.fromEntries(TABLE_ROWS.map((c) => [c, new Array<DmaChan | null>(options.cpus).fill(null)])) as Record<TableRow, (DmaChan | null)[]>;
    this.design = options.strategy.bind(this);
  }

  /** Throws unless `cpu` exists and is online (a thread can only run on an online CPU). */
  checkCpu(cpu: number): void {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) throw new DmaRuleError('cpu-unknown', `CPU ${cpu} does not exist (CPUs 0..${this.cpus - 1})`);
    if (!this.cpuOnline[cpu]) throw new DmaRuleError('cpu-offline', `CPU ${cpu} is offline`);
  }

  // --- locks ----------------------------------------------------------------------------

  /** `mutex_lock(&dma_list_mutex)` would not block. */
  get listMutexFree(): boolean {
    return this.listMutexOwner === null;
  }

  /** `mutex_lock(&dma_list_mutex)` by `owner`, kept across steps. @throws DmaRuleError `mutex-held` */
  lockListMutex(owner: string): void {
    if (this.listMutexOwner !== null) throw new DmaRuleError('mutex-held', `dma_list_mutex is held by ${this.listMutexOwner}; ${owner} would block`);
    this.listMutexOwner = owner;
  }

  /** `mutex_unlock(&dma_list_mutex)` by `owner`. @throws DmaRuleError `mutex-not-held` */
  unlockListMutex(owner: string): void {
    if (this.listMutexOwner !== owner)
      throw new DmaRuleError('mutex-not-held', `${owner} does not hold dma_list_mutex (held by ${this.listMutexOwner ?? 'nobody'})`);
    this.listMutexOwner = null;
  }

  // --- channel references -------------------------------------------------------------

  /** `device->channels` as the kernel's list walks see it: the design's (mainline 5.10.7 takes channels off at unregister), or all. */
  channelsOf(device: DmaDevice): readonly DmaChan[] {
    return this.design.listedChannels?.(device) ?? device.channels;
  }

  /** `balance_ref_count`: raise a public channel's `client_count` to `dmaengine_ref_count`, a `__module_get` each (3.6 dmaengine.c:200-203). */
  balanceRefCount(chan: DmaChan): void {
    while (chan.clientCount < this.dmaengineRefCount) {
      chan.device.owner.refs++;
      chan.clientCount++;
    }
  }

  /**
   * `dma_chan_get`: `client_count++`; on 0→1 `device_alloc_chan_resources`, which fails
   * when `allocOk` is false (then `client_count = 0`); after a good alloc on a public device
   * `balance_ref_count`.
   * @returns whether the reference was taken.
   */
  dmaChanGet(chan: DmaChan, allocOk = true): boolean {
    // `__module_get` on a held channel, else `try_module_get`, which never fails here (no
    // rmmod: assumption no-module-going); 3.6 dmaengine.c:217-223.
    chan.device.owner.refs++;
    chan.clientCount++;
    if (chan.clientCount === 1) {
      if (!allocOk) {
        chan.clientCount = 0;
        chan.device.owner.refs--; // module_put(owner), :233
        return false;
      }
      chan.resources = true;
      if (!chan.device.private) this.balanceRefCount(chan);
      this.design.afterFirstChanGet?.(chan);
    }
    return true;
  }

  /**
   * `dma_chan_put`: `client_count--`; at 0 `device_free_chan_resources`. The kernel returns
   * silently at 0 (a channel whose alloc failed); as an API call that is a put without a get.
   * @throws DmaRuleError `chan-put-without-get`
   */
  dmaChanPut(chan: DmaChan): void {
    if (!chan.clientCount) throw new DmaRuleError('chan-put-without-get', `${chan.id} has client_count 0`);
    chan.clientCount--;
    chan.device.owner.refs--; // module_put(dma_chan_to_owner(chan)), 3.6 :252
    if (chan.clientCount === 0) chan.resources = false;
    this.design.afterChanPut?.(chan);
  }

  /**
   * `dmaengine_get`: one more general-purpose client; a reference on every channel of every
   * listed public device; rebalance on the first client. `allocOk` injects alloc failures.
   */
  dmaengineGet(allocOk: (chan: DmaChan) => boolean = () => true): void {
    this.dmaengineRefCount++;
    for (const device of [...this.deviceList]) {
      if (device.private) continue;
      for (const chan of this.channelsOf(device)) this.dmaChanGet(chan, allocOk(chan));
    }
    if (this.dmaengineRefCount === 1) this.dmaChannelRebalance();
  }

  /**
   * `dmaengine_put`: one client fewer; a put on every channel of every listed public device
   * (skipping channels at 0, whose alloc failed: the kernel's silent return). 3.6 and
   * mainline do not rebalance, so the table may keep entries whose channels have no clients
   * left; the RFC base ({@link DesignHooks.putRebalances}) rebalances on the last put.
   * @throws DmaRuleError `dmaengine-put-without-get`
   */
  dmaenginePut(): void {
    if (this.dmaengineRefCount === 0) throw new DmaRuleError('dmaengine-put-without-get', 'dmaengine_ref_count is 0');
    this.dmaengineRefCount--;
    // list_for_each_entry_safe: a put that releases the device (mainline) unlists it mid-walk.
    for (const device of [...this.deviceList]) {
      if (device.private) continue;
      for (const chan of this.channelsOf(device)) {
        if (chan.clientCount) this.dmaChanPut(chan);
        // list_for_each_entry then reads chan->device_node.next (7.0 :1013, 5.10.7 :983): freed memory once a
        // put of this walk released the device (mainline's kref); so is a later channel's client_count.
        if (device.freed) this.violations.add(violationText({ kind: 'use-after-free', thread: this.current, chan: chan.id }));
      }
    }
    // RFC base: if (--dmaengine_client_count == 0) dma_channel_rebalance() (3/7 hunk @@ -559,7 +640,7 @@).
    if (this.design.putRebalances && this.dmaengineRefCount === 0) this.dmaChannelRebalance();
  }

  // --- private (slave) channels --------------------------------------------------------

  /**
   * `private_candidate`: a free channel of `device` for `cap`, or null. A public device whose
   * `chancnt` is more than one is refused outright if any channel has clients (all channels
   * of a device are either private or public); busy channels are skipped, and so are those
   * the requester's filter function rejects (`filter`: the ids it accepts; 3.6
   * `dmaengine.c:487-491`; undefined: no filter).
   */
  privateCandidate(cap: Capability, device: DmaDevice, filter?: readonly string[]): DmaChan | null {
    if (!hasCap(device, cap)) return null;
    const channels = this.channelsOf(device);
    if ((this.design.chancnt?.(device) ?? device.channels.length) > 1 && !device.private && channels.some((c) => c.clientCount > 0)) return null;
    return channels.find((c) => c.clientCount === 0 && (filter === undefined || filter.includes(c.id))) ?? null;
  }

  /** The channel `dma_request_channel(cap, filter)` would try first, without taking it (or null). */
  requestCandidate(cap: Capability, filter?: readonly string[]): DmaChan | null {
    for (const device of this.deviceList) {
      const chan = this.privateCandidate(cap, device, filter);
      if (chan) return chan;
    }
    return null;
  }

  /**
   * `__dma_request_channel(cap)` (3.6 `dmaengine.c:504-541`; mainline: its loop over
   * `find_candidate`): for each listed device with a candidate, set `DMA_PRIVATE`,
   * `privatecnt++`, `dma_chan_get`; success returns the channel, a failure undoes the
   * device's private marking and goes on to the next device. `allocOk` false fails the
   * call's first `device_alloc_chan_resources` only (the first candidate's: a candidate is
   * always at `client_count` 0), as the kernel harness does (kernel/README.md). `filter`: the
   * channel ids the caller's filter function accepts (undefined: `fn` NULL).
   */
  dmaRequestChannel(cap: Capability, allocOk = true, filter?: readonly string[]): DmaChan | null {
    let fail = !allocOk;
    for (const device of [...this.deviceList]) {
      const chan = this.privateCandidate(cap, device, filter);
      if (!chan) continue;
      device.private = true;
      device.privatecnt++;
      const ok = this.dmaChanGet(chan, !fail);
      fail = false;
      if (ok) return chan;
      if (--device.privatecnt === 0) device.private = false;
    }
    return null;
  }

  /**
   * `dma_release_channel` by `thread`: put, `privatecnt--`, clear `DMA_PRIVATE` at 0. On a
   * freed device the put writes freed memory: recorded as a use-after-free by `thread`.
   * (The RFC also wakes unregister's wait queue; waiting is a step condition here.)
   * @throws DmaRuleError `release-not-private` unless `chan` is held through a request.
   */
  dmaReleaseChannel(chan: DmaChan, thread = 'kernel'): void {
    const device = chan.device;
    if (!device.private || device.privatecnt === 0 || chan.clientCount === 0)
      throw new DmaRuleError('release-not-private', `${chan.id} is not held as a private channel`);
    if (device.freed) this.violations.add(violationText({ kind: 'use-after-free', thread, chan: chan.id }));
    if (chan.clientCount !== 1) this.warnings.push(`WARN dma_release_channel: chan reference count ${chan.clientCount} != 1`);
    this.dmaChanPut(chan);
    if (--device.privatecnt === 0) device.private = false;
  }

  // --- the channel table -----------------------------------------------------------------

  /** `dma_channel_rebalance` (see {@link dmaChannelRebalance}). */
  dmaChannelRebalance(): void {
    dmaChannelRebalance(this);
  }

  /** `nth_chan(cap, n)` (see {@link nthChan}); raises the chosen channel's `table_count`. */
  nthChan(cap: TableRow, n: number): DmaChan | null {
    return nthChan(this, cap, n);
  }

  /** `cpu` goes offline or online, then the dmaengine CPU notifier rebalances: {@link setCpuState} + {@link dmaChannelRebalance}. */
  setCpuOnline(cpu: number, online: boolean): void {
    this.setCpuState(cpu, online);
    this.dmaChannelRebalance();
  }

  /**
   * `_cpu_down` / `_cpu_up` changing `cpu_online_mask`, without the notifier.
   * @throws DmaRuleError `cpu-unknown`, `cpu-hotplug` (already so, or the last online CPU)
   */
  setCpuState(cpu: number, online: boolean): void {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) throw new DmaRuleError('cpu-unknown', `CPU ${cpu} does not exist (CPUs 0..${this.cpus - 1})`);
    if (this.cpuOnline[cpu] === online) throw new DmaRuleError('cpu-hotplug', `CPU ${cpu} is already ${online ? 'online' : 'offline'}`);
    if (!online && this.cpuOnline.filter(Boolean).length === 1) throw new DmaRuleError('cpu-hotplug', `CPU ${cpu} is the last online CPU`);
    this.cpuOnline[cpu] = online;
  }

  // --- device registration ---------------------------------------------------------------

  /**
   * `dma_async_device_register`: if clients wait (`dmaengine_ref_count > 0`) take a
   * reference on each public channel for them; add to the list; rebalance.
   * @throws DmaRuleError `register-twice`, `register-freed-device`
   */
  dmaAsyncDeviceRegister(device: DmaDevice): void {
    if (device.listed) throw new DmaRuleError('register-twice', `${device.name} is already registered`);
    if (device.freed) throw new DmaRuleError('register-freed-device', `${device.name} is freed; register a new instance`);
    if (this.dmaengineRefCount && !device.private) for (const chan of device.channels) this.dmaChanGet(chan);
    this.known.add(device);
    device.listed = true;
    // list_add_tail_rcu: an open walk whose path ends on a listed device reaches it too.
    for (const path of this.rcuWalks.values()) if (path.length && this.deviceList.includes(path[path.length - 1])) path.push(device);
    this.deviceList.push(device);
    if (device.private) device.privatecnt++;
    for (const chan of device.channels) chan.local = true; // alloc_percpu (3.6 dmaengine.c:747)
    this.dmaChannelRebalance();
  }

  /**
   * `dma_async_device_unregister`, the part under `dma_list_mutex`: `list_del_rcu` and
   * rebalance. What follows (waiting, freeing) is the design's
   * {@link DesignHooks.removeDevice}.
   * @throws DmaRuleError `unregister-unknown-device`, `unregister-twice`
   */
  dmaAsyncDeviceUnregister(device: DmaDevice): void {
    if (!this.known.has(device)) throw new DmaRuleError('unregister-unknown-device', `${device.name} was never registered`);
    if (!device.listed) throw new DmaRuleError('unregister-twice', `${device.name} is already unregistered`);
    this.listDelRcu(device);
    device.listed = false;
    this.dmaChannelRebalance();
  }

  /**
   * `list_del_rcu(&device->global_node)` (3.6 dmaengine.c:839; mainline's
   * `dma_device_release`, 5.10.7 :427): off `dma_device_list`. An open walk whose path
   * reaches the device from a predecessor still on the list no longer reaches it (the
   * predecessor's `next` is rewritten); one that holds it, or reaches it from a device
   * already deleted (whose `next` is stale), still reads it.
   */
  listDelRcu(device: DmaDevice): void {
    const i = this.deviceList.indexOf(device);
    if (i >= 0) this.deviceList.splice(i, 1);
    for (const path of this.rcuWalks.values()) {
      const j = path.indexOf(device);
      if (j > 0 && this.deviceList.includes(path[j - 1])) path.splice(j, 1);
    }
  }

  /**
   * One iteration of 3.6 `dma_async_device_unregister`'s channel loop (`dmaengine.c:843-852`):
   * `WARN_ONCE` if clients still hold `chan`, `chan->dev->chan = NULL` under
   * `dma_list_mutex`, `device_unregister(&chan->dev->device)`, `free_percpu(chan->local)`.
   * @throws DmaRuleError `chan-unregister-twice` if its `chan->local` is already freed
   */
  unregisterChannel(chan: DmaChan): void {
    if (!chan.local) throw new DmaRuleError('chan-unregister-twice', `${chan.id}'s chan->local is already freed`);
    if (chan.clientCount) this.warnings.push(`WARN dma_async_device_unregister called while ${chan.clientCount} clients hold a reference (${chan.id})`);
    chan.local = false;
  }

  /**
   * The end of unregister: the channel loop for each channel it has not run on yet
   * ({@link unregisterChannel}; a design without a step of its own for it runs it here) and
   * the driver freeing the memory. Channel resources still allocated are freed with it; 3.4
   * only `WARN_ONCE`s when clients still hold a channel.
   */
  freeDevice(device: DmaDevice): void {
    for (const chan of device.channels) {
      if (chan.local) this.unregisterChannel(chan);
      chan.resources = false;
    }
    device.freed = true;
  }

  // --- the hot path -------------------------------------------------------------------

  /** `dma_find_channel(cap)` on `cpu`, as the design does it. @throws DmaRuleError on a bad CPU */
  dmaFindChannel(cap: Capability, cpu: number): DmaChan | null {
    this.checkCpu(cpu);
    return this.design.findChannel(cap, cpu);
  }

  /** `dma_get_channel(chan)` by `thread` on `cpu` (RFC), as the design does it. @throws DmaRuleError on a bad CPU */
  dmaGetChannel(chan: DmaChan, cpu: number, thread = 'kernel'): DmaChan | null {
    this.checkCpu(cpu);
    return this.design.getChannel(chan, cpu, thread);
  }

  /** `dma_put_channel` on `cpu` (RFC), as the design does it. @throws DmaRuleError on a bad CPU */
  dmaPutChannel(chan: DmaChan | null, cpu: number): void {
    this.checkCpu(cpu);
    this.design.putChannel(chan, cpu);
  }

  /**
   * prep + submit + `dma_async_issue_pending` on `chan` by `thread`. Touching freed memory
   * or removed hardware is recorded, not thrown. `writesLocal`: the use is 3.x's
   * `dma_async_memcpy_*` (net_dma), which also writes `this_cpu_ptr(chan->local)` (3.6
   * `dmaengine.c:895-896`), so a freed `chan->local` is a use after free too.
   * @returns false when the design's prep returned NULL (nothing submitted).
   */
  useChannel(thread: string, chan: DmaChan, writesLocal = false): boolean {
    if (this.design.prep && !this.design.prep(chan)) return false;
    if (!chan.resources || chan.device.freed || (writesLocal && !chan.local))
      this.violations.add(violationText({ kind: 'use-after-free', thread, chan: chan.id }));
    if (chan.device.hardwareGone) this.violations.add(violationText({ kind: 'use-on-removed-hardware', thread, chan: chan.id }));
    return true;
  }

  /**
   * `dma_issue_pending_all` as one call: {@link rcuWalkBegin}, then {@link rcuWalkCheck} and
   * {@link rcuWalkIssue} until the walk ends.
   * @returns the channels kicked.
   */
  dmaIssuePendingAll(caller: string): DmaChan[] {
    this.rcuWalkBegin(caller);
    const kicked: DmaChan[] = [];
    for (let c = this.rcuWalkCheck(caller); c; c = this.rcuWalkIssue(caller)) kicked.push(c);
    return kicked;
  }

  /**
   * `dma_issue_pending_all`, its start: `rcu_read_lock()` and the first device fetched
   * (3.6 dmaengine.c:359-360): the walk will follow `dma_device_list` from it, private
   * devices too (it reads their `cap_mask` and `global_node.next`, :361-362).
   * @throws DmaRuleError `rcu-walk-open` if `caller` is already walking
   */
  rcuWalkBegin(caller: string): void {
    if (this.rcuWalks.has(caller)) throw new DmaRuleError('rcu-walk-open', `${caller} is already inside dma_issue_pending_all`);
    this.rcuWalks.set(caller, [...this.deviceList]);
  }

  /**
   * The walk reads on (3.6 dmaengine.c:360-366) to the next channel with `client_count`,
   * device by device: a private device is skipped after its `cap_mask` is read; a freed
   * device read is a use after free of each of its channels. Returns that channel (the walk
   * stops before its `device_issue_pending`), or null at the end (`rcu_read_unlock()`).
   * @throws DmaRuleError `rcu-walk-closed` if `caller` is not walking, `rcu-walk-pending` if it holds a channel to issue
   */
  rcuWalkCheck(caller: string): DmaChan | null {
    const path = this.openWalk(caller);
    if (this.rcuPending.has(caller)) throw new DmaRuleError('rcu-walk-pending', `${caller} has a device_issue_pending to call first`);
    return this.walkOn(caller, path, null);
  }

  /**
   * `device->device_issue_pending(chan)` on the channel the walk stopped at, then
   * {@link rcuWalkCheck}'s reading on. A freed device is a use after free of each of its
   * channels; a channel whose resources a put freed meanwhile is not (ioat's issue_pending
   * then touches nothing freed: assumption issue-after-free-benign, spec/threads.md).
   * @throws DmaRuleError `rcu-walk-closed` if `caller` is not walking, `rcu-walk-pending` if it holds no channel
   */
  rcuWalkIssue(caller: string): DmaChan | null {
    const path = this.openWalk(caller);
    const chan = this.rcuPending.get(caller);
    if (!chan) throw new DmaRuleError('rcu-walk-pending', `${caller} has no channel to issue on`);
    this.rcuPending.delete(caller);
    if (!chan.device.freed && chan.device.hardwareGone) this.violations.add(violationText({ kind: 'use-on-removed-hardware', thread: caller, chan: chan.id }));
    return this.walkOn(caller, path, chan);
  }

  /** The channel whose `device_issue_pending` `caller`'s walk is stopped before, or null (spec/observable.ts `issuing`). */
  issuePendingOf(caller: string): DmaChan | null {
    return this.rcuPending.get(caller) ?? null;
  }

  private openWalk(caller: string): DmaDevice[] {
    const path = this.rcuWalks.get(caller);
    if (!path) throw new DmaRuleError('rcu-walk-closed', `${caller} is not inside dma_issue_pending_all`);
    return path;
  }

  /**
   * Reads on from `from` (or the head of `path`) to the next channel with clients; null: the
   * walk ends. A freed channel struct read (`client_count`, `device_node.next`, the issue) is
   * a use after free of that channel; a freed device of which no channel was read (its
   * `cap_mask`, `global_node.next`) is one of each of its channels.
   */
  private walkOn(caller: string, path: DmaDevice[], from: DmaChan | null): DmaChan | null {
    const uaf = (c: DmaChan) => this.violations.add(violationText({ kind: 'use-after-free', thread: caller, chan: c.id }));
    while (path.length) {
      const device = path[0];
      const chans = this.channelsOf(device);
      let read = 0;
      let i = 0;
      if (from) {
        i = chans.indexOf(from) + 1;
        if (device.freed) uaf(from), read++;
        // The channel is off device->channels since the walk stopped at it (5.10.7's channel
        // unregister, :1113): its next is LIST_POISON1 and the read through it oopses (:563).
        if (i === 0) return this.oops(caller, from);
      }
      if (!from && device.private) i = chans.length;
      from = null;
      for (; i < chans.length; i++) {
        if (device.freed) uaf(chans[i]), read++;
        if (chans[i].clientCount) {
          this.rcuPending.set(caller, chans[i]);
          return chans[i];
        }
      }
      if (device.freed && !read) for (const c of device.channels) uaf(c);
      path.shift(); // past it: its global_node.next is read
    }
    this.rcuReadUnlock(caller); // rcu_read_unlock (3.6 dmaengine.c:367)
    return null;
  }

  /** `caller`'s walk oopsed reading on from `from`: the walk is over and the thread is dead. */
  private oops(caller: string, from: DmaChan): null {
    this.violations.add(violationText({ kind: 'oops', thread: caller, chan: from.id }));
    this.oopsed.add(caller);
    this.rcuReadUnlock(caller); // the walk is over (assumption oops-ends-thread)
    return null;
  }

  /**
   * `synchronize_rcu()` begins: its grace period waits for the `dma_issue_pending_all` walks
   * open now, and for none that begins later. Each walk leaves it at its `rcu_read_unlock`
   * (or its oops). Pass the result to {@link graceReaders} and, once that is empty, to
   * {@link synchronizeRcuEnd}.
   */
  synchronizeRcuBegin(): GracePeriod {
    const gp: GracePeriod = { readers: new Set(this.rcuWalks.keys()) };
    this.gracePeriods.add(gp);
    return gp;
  }

  /** The walks grace period `gp` still waits for (inside `rcu_read_lock` since before it began). */
  graceReaders(gp: GracePeriod): string[] {
    return [...gp.readers];
  }

  /** `synchronize_rcu()` returns: `gp` is over. */
  synchronizeRcuEnd(gp: GracePeriod): void {
    this.gracePeriods.delete(gp);
  }

  /** `caller`'s walk leaves `rcu_read_lock`: no grace period waits for it any more. */
  private rcuReadUnlock(caller: string): void {
    this.rcuWalks.delete(caller);
    for (const gp of this.gracePeriods) gp.readers.delete(caller);
  }
}
