/**
 * Example design for docs/writing-a-design.md: a notifier that frees before the acks
 * arrive. Unregister asks every holder of the device to release, then drops the
 * dmaengine_get references and frees at once, without waiting for the acknowledgements:
 * a holder that uses its channel, or re-takes a cached pointer, between the request and its
 * ack touches freed memory. `dmaspec check --design examples/designs/free-before-ack.ts`
 * flags no-use-after-free with the interleaving.
 * @module
 */
import { defineDesign, dmaChanPut, type Layout, rcuSyncThenFree, type SystemContext } from 'dmaspec/design';

/** Whether thread `t` holds something of device `d`: a channel, a cached pointer, or dmaengine_get references. */
function holds(ctx: SystemContext, L: Layout, t: number, d: number): boolean {
  const th = ctx.threads[t];
  const inDev = (c: number) => c >= 0 && L.channels[c].device === d;
  return L.clients[t].kind === 'slave' ? inDev(th.chan) : th.got === 1 || inDev(th.chan) || inDev(th.cached);
}

export const freeBeforeAck = defineDesign({
  name: 'free-before-ack',
  title: 'Notifier that frees before the acks arrive',
  summary: 'Unregister asks every holder to release, drops the dmaengine_get references and frees the device without waiting for the acknowledgements.',
  hotPath: 'plain',
  // One variable per client thread: 0 not asked, 1 asked to release, 2 acknowledged.
  variables: { perThread: { told: { initial: 0, min: 0, max: 2, description: '1 once asked to release, 2 once it acked' } } },
  // The IOH's program between unregister and the free: notify, drop the references, free.
  ejecting: (b) => ({
    afterUnregister: 'notifying',
    states: {
      notifying: {
        id: b.id('notifying'),
        description: 'off the list: the holders do not know yet',
        on: {
          [b.ev('notify')]: {
            target: `#${b.id('dropping')}`,
            actions: [{ type: 'notifyHolders', params: b.p }],
            description: 'ask every holder to release (told = 1)',
          },
        },
      },
      dropping: {
        id: b.id('dropping'),
        description: 'asked, not waited for',
        on: {
          [b.ev('putRefs')]: {
            target: `#${b.id('unlisted')}`,
            actions: [{ type: 'putRefs', params: b.p }],
            description: 'dma_chan_put the references to 0 at once',
          },
        },
      },
      // The bug: nobody waited for the acks. synchronize_rcu() begins, then frees.
      ...rcuSyncThenFree(b, 'unlisted', {
        syncing: 'the bug: nobody waited for the acks',
        free: 'synchronize_rcu() returns: free the device and its channels',
      }),
    },
  }),
  // Each client answers the request from its own context: a slave by releasing its channel
  // while it holds it, a net_dma/async_tx client between rounds by dropping a cached pointer.
  // (`as const` keeps the helper's rule names literal, so a misspelled one does not compile.)
  clientSteps: (c) => {
    const ack = (target: string) =>
      ({
        [`${c.name}.ack`]: {
          guard: { type: 'notified', params: { t: c.index } },
          target: `#${c.name}.${target}`,
          actions: [{ type: 'ackRelease', params: { t: c.index } }],
          description: 'the release callback acks',
        },
      }) as const;
    return c.kind === 'slave' ? { holding: ack('released') } : { 'worker.idle': ack('worker.idle') };
  },
  rules: (L) => ({
    guards: { notified: (ctx, { t }: { t: number }) => ctx.design.threads[t].told === 1 },
    actions: {
      notifyHolders: (ctx, { h }: { h: number }) => {
        L.clients.forEach((_, t) => {
          if (holds(ctx, L, t, ctx.iohs[h].cur)) ctx.design.threads[t].told = 1;
        });
      },
      ackRelease: (ctx, { t }: { t: number }) => {
        const th = ctx.threads[t];
        ctx.design.threads[t].told = 2;
        if (L.clients[t].kind === 'slave') {
          const dev = ctx.devices[L.channels[th.chan].device];
          dmaChanPut(ctx, th.chan); // dma_release_channel from the callback
          if (--dev.privatecnt === 0) dev.private = 0;
          th.chan = -1;
        } else if (th.cached >= 0 && ctx.devices[L.channels[th.cached].device].listed === 0) th.cached = -1;
      },
    },
  }),
  claims: ['no-use-after-free', 'removal-completes'],
  assumptions: [{ text: 'Every client answers the release request from its own context.', flags: {} }],
});

export default freeBeforeAck;
