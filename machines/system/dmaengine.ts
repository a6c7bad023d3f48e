/**
 * The dmaengine core of Linux 3.4 `drivers/dma/dmaengine.c` as functions on the system
 * context: the bodies that the machine's actions run inside one step (each step holds
 * `dma_list_mutex` for its whole body, so these are atomic). Names follow the kernel.
 * @module
 */
import { EMPTY_ROWS_BEFORE_ASYNC_TX, TABLE_ROWS, ASYNC_TX_ROW } from '../../src/table-rows.ts';
import type { SystemContext } from './context.ts';
import type { Layout } from './layout.ts';

const hasCap = (L: Layout, d: number, cap: number): boolean => L.devices[d].caps.includes(cap);

/**
 * `dma_chan_get`: `client_count++`; on 0→1 `device_alloc_chan_resources`, which fails when
 * `allocOk` is false (`client_count = 0`, error); after a good alloc on a public device
 * `balance_ref_count` raises `client_count` to `dmaengine_ref_count`. Returns success.
 */
export function dmaChanGet(ctx: SystemContext, L: Layout, c: number, allocOk = true): boolean {
  const ch = ctx.channels[c];
  ch.clientCount++;
  if (ch.clientCount === 1) {
    if (!allocOk) {
      ch.clientCount = 0;
      return false;
    }
    ch.resources = 1;
    if (!ctx.devices[L.channels[c].device].private) ch.clientCount = Math.max(ch.clientCount, ctx.refCount);
  }
  return true;
}

/** `dma_chan_put`: no-op at 0; `client_count--`; on →0 `device_free_chan_resources`. */
export function dmaChanPut(ctx: SystemContext, c: number): void {
  const ch = ctx.channels[c];
  if (ch.clientCount === 0) return;
  ch.clientCount--;
  if (ch.clientCount === 0) ch.resources = 0;
}

/**
 * `nth_chan`: the n-th in-use channel with `cap` of the listed public devices, or the one
 * with the lowest `table_count` when there are fewer; its `table_count++`. -1 if none.
 */
export function nthChan(ctx: SystemContext, L: Layout, cap: number, n: number): number {
  let ret = -1;
  let min = -1;
  for (let d = 0; d < L.devices.length && ret < 0; d++) {
    const dev = ctx.devices[d];
    if (!dev.listed || dev.private || !hasCap(L, d, cap)) continue;
    for (const c of L.devices[d].channels) {
      if (!ctx.channels[c].clientCount) continue;
      if (min < 0 || ctx.channels[c].tableCount < ctx.channels[min].tableCount) min = c;
      if (n-- === 0) {
        ret = c;
        break;
      }
    }
  }
  if (ret < 0) ret = min;
  if (ret >= 0) ctx.channels[ret].tableCount++;
  return ret;
}

/**
 * `dma_channel_rebalance`: clear the table and the public channels' `table_count`; if any
 * `dmaengine_get` user exists, give each (capability, online CPU) a channel by `nth_chan`
 * (n counts on across capabilities, also the empty rows before `DMA_ASYNC_TX`:
 * src/table-rows.ts; with one possible CPU, n is -1: the least used).
 */
export function dmaChannelRebalance(ctx: SystemContext, L: Layout): void {
  for (const row of ctx.table) row.fill(-1);
  for (let d = 0; d < L.devices.length; d++) {
    const dev = ctx.devices[d];
    if (!dev.listed || dev.private) continue;
    for (const c of L.devices[d].channels) ctx.channels[c].tableCount = 0;
  }
  if (!ctx.refCount) return;
  let n = 0;
  for (let cap = 0; cap < TABLE_ROWS.length; cap++) {
    if (cap === ASYNC_TX_ROW) n += EMPTY_ROWS_BEFORE_ASYNC_TX * ctx.cpuOnline.filter((on) => on === 1).length;
    for (let cpu = 0; cpu < L.cpus; cpu++) {
      if (!ctx.cpuOnline[cpu]) continue;
      ctx.table[cap][cpu] = nthChan(ctx, L, cap, L.cpus > 1 ? n++ : -1);
    }
  }
}

/** Channels of listed public devices, the set `dmaengine_get`/`dmaengine_put` walk. */
function publicChannels(ctx: SystemContext, L: Layout): number[] {
  const out: number[] = [];
  for (let d = 0; d < L.devices.length; d++) if (ctx.devices[d].listed && !ctx.devices[d].private) out.push(...L.devices[d].channels);
  return out;
}

/**
 * `dmaengine_get`: `dmaengine_ref_count++`, get every public channel, rebalance on 0→1.
 * `failFirstAlloc`: the first `device_alloc_chan_resources` of the call fails (the first
 * public channel, in list order, at `client_count` 0); `dma_chan_get` returns the error,
 * which dmaengine_get only `pr_debug`s: the channel stays at 0 and the walk goes on.
 */
export function dmaengineGet(ctx: SystemContext, L: Layout, failFirstAlloc = false): void {
  ctx.refCount++;
  let fail = failFirstAlloc;
  for (const c of publicChannels(ctx, L)) {
    const allocates = ctx.channels[c].clientCount === 0;
    dmaChanGet(ctx, L, c, !(fail && allocates));
    if (allocates) fail = false;
  }
  if (ctx.refCount === 1) dmaChannelRebalance(ctx, L);
}

/** Whether a `dmaengine_get` now would call `device_alloc_chan_resources`: some listed public channel is at `client_count` 0. */
export function dmaengineGetAllocates(ctx: SystemContext, L: Layout): boolean {
  return publicChannels(ctx, L).some((c) => ctx.channels[c].clientCount === 0);
}

/**
 * `dmaengine_put`: `dmaengine_ref_count--`, put every public channel. 3.4/3.6 and mainline
 * do not rebalance, so the table keeps its entries; the RFC's base (`rebalance`) does on the
 * last put (3/7 hunk `@@ -559,7 +640,7 @@`, context `if (--dmaengine_client_count == 0)
 * dma_channel_rebalance()`), which with no user left clears the table and `table_count`.
 */
export function dmaenginePut(ctx: SystemContext, L: Layout, rebalance = false): void {
  ctx.refCount--;
  for (const c of publicChannels(ctx, L)) dmaChanPut(ctx, c);
  if (rebalance && ctx.refCount === 0) dmaChannelRebalance(ctx, L);
}

/**
 * `private_candidate` (3.6 `dmaengine.c:462-497`; 7.0 :621-656, 5.10.7 :618-653) on device
 * `d`: the first free channel with `cap`, or -1. A public device whose `chancnt` is more than
 * one and with any channel in use is refused (all public or all private, 3.6 :474, 7.0 :634,
 * 5.10.7 :631). An unlisted device is not on `dma_device_list`: -1. `filter`: the channel ids
 * the requester's filter function accepts (the slave's scenario `filter`); a rejected channel
 * is skipped as a busy one is (3.6 :487-491, 7.0 :646-650); undefined: no filter (`fn` NULL).
 */
export function deviceCandidate(ctx: SystemContext, L: Layout, d: number, cap: number, filter?: readonly string[]): number {
  const info = L.devices[d];
  if (!ctx.devices[d].listed || !hasCap(L, d, cap)) return -1;
  if ((info.chancnt ?? info.channels.length) > 1 && !ctx.devices[d].private && info.channels.some((c) => ctx.channels[c].clientCount)) return -1;
  return info.channels.find((c) => !ctx.channels[c].clientCount && (filter === undefined || filter.includes(L.channels[c].id))) ?? -1;
}

/**
 * `private_candidate` over the device list as `__dma_request_channel` walks it, from device
 * `from` on: the first free channel with `cap` of the first listed device that offers one.
 */
export function privateCandidate(ctx: SystemContext, L: Layout, cap: number, from = 0, filter?: readonly string[]): number {
  for (let d = from; d < L.devices.length; d++) {
    const c = deviceCandidate(ctx, L, d, cap, filter);
    if (c >= 0) return c;
  }
  return -1;
}

/**
 * The channel `__dma_request_channel` (3.6 `dmaengine.c:504-541`; mainline's loop over
 * `find_candidate`, 5.10.7 :655-697, :755-786) ends with, or -1, without running it. Every
 * device's candidate is tried in list order; a failed `dma_chan_get` goes on to the next
 * device. `failFirstAlloc` (`allocOk=false`): the call's first `device_alloc_chan_resources`
 * fails; a candidate is always at `client_count` 0, so that is the first candidate's, and the
 * next device's candidate, if any, is taken.
 */
export function requestOutcome(ctx: SystemContext, L: Layout, cap: number, failFirstAlloc: boolean, filter?: readonly string[]): number {
  const first = privateCandidate(ctx, L, cap, 0, filter);
  if (first < 0 || !failFirstAlloc) return first;
  return privateCandidate(ctx, L, cap, L.channels[first].device + 1, filter);
}

/**
 * `list_del_rcu(&device->global_node)` of device `d` (3.6 dmaengine.c:839, mainline's
 * `dma_device_release`, 5.10.7 :427, 7.0 :429), as the open `dma_issue_pending_all` walks
 * see it. A walk reads the list as it goes (3.6 :360): `rcuSeen` is the chain it will
 * still follow. `list_del_rcu` rewrites the predecessor's `next` and leaves the device's
 * own: a walk drops `d` when the chain's predecessor of `d` is still on the list (its `next`
 * now skips `d`), and keeps it when `d` is the device the walk holds or comes after a
 * device already deleted (a stale `next` still leads to it). `onList` says whether a
 * device is still on `dma_device_list` (kref's callers hide devices in `listed` meanwhile).
 */
export function listDelRcu(ctx: SystemContext, d: number, onList = (p: number) => ctx.devices[p].listed === 1): void {
  const bit = 1 << d;
  for (const th of ctx.threads) {
    if (!(th.rcuSeen & bit)) continue;
    const before = th.rcuSeen & (bit - 1);
    if (before && onList(31 - Math.clz32(before))) th.rcuSeen &= ~bit;
  }
  ctx.devices[d].listed = 0;
}

/** Whether using channel `c` touches freed memory (its resources or its device are freed). */
export function isFreed(ctx: SystemContext, L: Layout, c: number): boolean {
  return !ctx.channels[c].resources || ctx.devices[L.channels[c].device].freed === 1;
}
