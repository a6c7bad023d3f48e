/**
 * The `slave` client program of spec/threads.md: `dma_request_channel` for an exclusive
 * channel, `rounds` uses (busy: uses for ever, and may release at any time),
 * `dma_release_channel` (on a freed device that is a use-after-free, recorded). A slave
 * that never releases holds its channel forever: under rfc-wait, removal waits for it
 * forever.
 * @module
 */
import type { DesignClientStep } from '../core/design.ts';
import type { DmaEngine } from '../core/dmaengine.ts';
import { offer, type Offer, type ThreadProgram } from '../core/thread.ts';
import type { ClientState } from '../core/client-state.ts';

/** Step names of the slave program, in spec/threads.md order. */
export const SLAVE_STEPS = ['request', 'use', 'release'] as const;

/**
 * The slave program. `request` carries `allocOk`; `{allocOk: false}` is offered only when
 * a candidate channel exists (only then would `device_alloc_chan_resources` run). A design
 * may add steps while the slave holds its channel ({@link DesignClientStep}).
 */
export function* slaveProgram(k: DmaEngine, c: ClientState): ThreadProgram {
  const cap = c.spec.capability;
  const request = yield {
    // __dma_request_channel takes dma_list_mutex.
    offers: [
      {
        step: 'request',
        variants: () => (!k.listMutexFree ? [] : k.requestCandidate(cap, c.spec.filter) ? [{ allocOk: true }, { allocOk: false }] : [{ allocOk: true }]),
      },
    ],
  };
  const chan = k.dmaRequestChannel(cap, request.payload.allocOk !== false, c.spec.filter);
  if (!chan) return; // no channel: the client gives up
  c.chan = chan;
  // A busy slave may release at any time; otherwise after its uses (or when the design lets it give up early).
  const canRelease = () => k.listMutexFree && c.spec.releases && (c.spec.busy || !c.roundsLeft || (k.design.releaseEarly?.(c) ?? false));
  const designSteps: readonly DesignClientStep[] = k.design.clientSteps?.(c) ?? [];
  for (;;) {
    const offers: Offer[] = [offer('use', () => c.roundsLeft), offer('release', canRelease)];
    for (const d of designSteps) offers.push(offer(d.step, () => d.enabled()));
    // Holding with nothing left to do is a proper end (the never-releases behaviour).
    const choice = yield { offers, final: !c.roundsLeft && !c.spec.releases };
    if (choice.step === 'use') {
      k.useChannel(c.name, chan);
      c.roundsDone++;
      continue;
    }
    if (choice.step === 'release') {
      k.dmaReleaseChannel(chan, c.name);
      c.chan = null;
      return;
    }
    if (designSteps.find((d) => d.step === choice.step)!.run()) return;
  }
}
