/**
 * The `net_dma` and `async_tx` client programs of spec/threads.md: `dmaengine_get`, then
 * find → use → put rounds on the public channel table (as `tcp_recvmsg` does), and
 * `dmaengine_put` from the client's control context: between rounds, or also mid-round for
 * a client with the `releasesEarly` misuse. async_tx also caches the channel pointer and
 * re-takes it once with `dma_get_channel` (while it holds `dmaengine_get`, or also after
 * its own `dmaengine_put` with `releasesEarly`); during removal that is use-after-quiesce.
 * @module
 */
import type { DesignClientStep } from '../core/design.ts';
import type { DmaEngine } from '../core/dmaengine.ts';
import { offer, type Choice, type Offer, type Point, type ThreadProgram } from '../core/thread.ts';
import type { ClientState } from '../core/client-state.ts';
import type { DmaChan } from '../core/objects.ts';
import { netDmaFinds } from '../table-rows.ts';

/** Step names of the net_dma/async_tx programs, in spec/threads.md order. */
export const NET_DMA_STEPS = ['get', 'getAllocFails', 'find', 'inc', 'test', 'use', 'put', 'migrate', 'release', 'reget', 'dirty'] as const;

function canFind(k: DmaEngine, c: ClientState): boolean {
  return c.got && !c.released && c.worker === 'idle' && c.roundsLeft && (k.design.mayStartRound?.(c) ?? true);
}

function canRelease(k: DmaEngine, c: ClientState): boolean {
  if (!c.got || c.released || !c.spec.releases || !k.listMutexFree) return false; // dmaengine_put takes dma_list_mutex
  const due = c.spec.busy || !c.roundsLeft || (k.design.releaseEarly?.(c) ?? false);
  // Well-behaved: dmaengine_put between rounds. releasesEarly: also mid-round (a client bug).
  return c.spec.releasesEarly ? due || c.worker !== 'idle' : due && c.worker === 'idle';
}

/** async_tx still has its one re-get of the cached pointer ahead. */
function regetPending(c: ClientState, cachesPointer: boolean): boolean {
  // Well-behaved async_tx re-gets only while it holds dmaengine_get; releasesEarly also after.
  return cachesPointer && c.cached !== null && c.worker === 'idle' && !c.regot && (!c.released || c.spec.releasesEarly === true);
}

function canReget(k: DmaEngine, c: ClientState, cachesPointer: boolean): boolean {
  return regetPending(c, cachesPointer) && (k.design.mayStartRound?.(c) ?? true);
}

/** The client's own program is complete: nothing left to find, re-get or release by itself. */
function done(c: ClientState, cachesPointer: boolean): boolean {
  if (c.worker !== 'idle' || regetPending(c, cachesPointer)) return false;
  return c.released || (!c.spec.releases && !c.spec.busy && !c.roundsLeft);
}

/** An `allocOk` for {@link DmaEngine.dmaengineGet}: the first channel it allocates (at client_count 0) fails, the rest succeed. */
function firstAllocFails(): (chan: DmaChan) => boolean {
  let failed = false;
  return (chan) => {
    if (failed || chan.clientCount > 0) return true;
    failed = true;
    return false;
  };
}

/** `dmaengine_put` from the client's control context. */
function release(k: DmaEngine, c: ClientState): void {
  k.dmaenginePut();
  c.released = true;
}

/** A worker preemption point: waits for `step`; the control context may release first. */
function* workerPoint(k: DmaEngine, c: ClientState, step: string): Generator<Point, void, Choice> {
  for (;;) {
    const choice = yield { offers: [offer(step), offer('release', () => canRelease(k, c))] };
    if (choice.step === step) return;
    release(k, c);
  }
}

/**
 * The program of a net_dma client (`cachesPointer` false) or an async_tx client (true).
 * Steps: get, find, use, put, release, and for async_tx reget; migrate is the scheduler's;
 * a design may add steps at the worker's idle point ({@link DesignClientStep}).
 */
export function* netDmaProgram(k: DmaEngine, c: ClientState, cachesPointer = false, allocFailures = false): ThreadProgram {
  // With the scenario's allocFailures, also `getAllocFails`: dmaengine_get whose first
  // device_alloc_chan_resources fails, offered only when the get would allocate.
  const allocates = () => k.deviceList.some((d) => !d.private && k.channelsOf(d).some((ch) => ch.clientCount === 0));
  const get = yield {
    offers: [offer('get', () => k.listMutexFree), ...(allocFailures ? [offer('getAllocFails', () => k.listMutexFree && allocates())] : [])],
    waitingFor: () => 'mutex_lock(&dma_list_mutex) in dmaengine_get',
  };
  k.dmaengineGet(get.step === 'getAllocFails' ? firstAllocFails() : undefined);
  c.got = true;
  const designSteps: readonly DesignClientStep[] = k.design.clientSteps?.(c) ?? [];
  for (;;) {
    const end = done(c, cachesPointer);
    // With nothing of its own left to do the thread exits, unless a design may still ask
    // something of it: then it rests here at a proper end.
    if (end && designSteps.length === 0) return;
    const offers: Offer[] = [offer('find', () => canFind(k, c)), offer('release', () => canRelease(k, c))];
    if (cachesPointer) offers.push(offer('reget', () => canReget(k, c, cachesPointer)));
    for (const d of designSteps) offers.push(offer(d.step, () => d.enabled()));
    const choice = yield { offers, final: end };
    if (choice.step === 'release') {
      release(k, c);
      continue;
    }
    const extra = designSteps.find((d) => d.step === choice.step);
    if (extra) {
      if (extra.run()) return;
      continue;
    }
    const point = (step: string) => workerPoint(k, c, step);
    if (choice.step === 'find') {
      c.chan = k.design.findChannelSteps ? yield* k.design.findChannelSteps(c, point) : k.design.findChannel(c.row, c.cpu);
      if (cachesPointer && c.chan) c.cached = c.chan;
    } else {
      c.regot = true;
      c.chan = k.design.getChannelSteps ? yield* k.design.getChannelSteps(c, c.cached!, point) : k.design.getChannel(c.cached!, c.cpu, c.name);
    }
    c.worker = 'found';
    yield* workerPoint(k, c, 'use');
    if (c.chan) k.useChannel(c.name, c.chan, !cachesPointer); // NULL: the copy is done by the CPU; net_dma's writes chan->local
    c.worker = 'used';
    yield* workerPoint(k, c, 'put');
    // tcp_recvmsg puts only a channel net_dma_find_channel returned (RFC dmaengine.h rule 2);
    // async_tx pairs every find or re-get with a put, NULL too (rule 1).
    if (c.chan || !netDmaFinds(c.spec)) k.design.putChannel(c.chan, c.cpu);
    c.chan = null;
    c.roundsDone++;
    c.worker = 'idle';
  }
}
