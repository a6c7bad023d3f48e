/**
 * Design `notifier`: unregister asks every holder of the device to release and waits for
 * their acknowledgements before it drops the remaining references and frees. A holder acks
 * from its own context, once its in-flight round is over: a slave releases its channel,
 * an async_tx client forgets a cached pointer into the device.
 * @module
 */
import { defineDesign, NO_EARLY_RELEASE } from '../../../machines/system/design.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import { clientRules } from '../../../machines/system/clients.ts';
import { dmaChanPut } from '../../../machines/system/dmaengine.ts';
import { type FreeTransition, waitLoopSync } from '../../../machines/system/ioh.ts';
import type { Layout } from '../../../machines/system/layout.ts';

/** Whether thread `t` holds something of device `d`: a channel, a cached pointer, or dmaengine_get references. */
function holds(ctx: SystemContext, L: Layout, t: number, d: number): boolean {
  const th = ctx.threads[t];
  const inDev = (c: number) => c >= 0 && L.channels[c].device === d;
  if (L.clients[t].kind === 'slave') return inDev(th.chan);
  return th.got === 1 || inDev(th.chan) || inDev(th.cached);
}

/** The notify-and-wait-for-acks design. */
export const notifier = defineDesign({
  name: 'notifier',
  title: 'Notifier: unregister asks every holder to release and waits for acks',
  summary:
    'After list_del and rebalance, unregister notifies every client holding the device (a channel, a cached pointer, or dmaengine_get references) ' +
    'and waits until each has acknowledged; a client acks from its own context once its in-flight round is done (a slave by releasing its channel, ' +
    'async_tx by dropping its cached pointer). Then the dmaengine_get references are dropped and the device is freed. The hot path is 3.4’s plain table read.',
  hotPath: 'plain',
  variables: {
    perThread: {
      told: { initial: 0, min: 0, max: 2, description: 'notifier: 1 once asked to release a dying device’s channels, 2 once it acked; 0 again after the free' },
    },
  },
  ejecting: (b) => ({
    afterUnregister: 'notifying',
    states: {
      notifying: {
        id: b.id('notifying'),
        description: 'off the list: the holders do not know yet',
        on: {
          [b.ev('notify')]: {
            target: `#${b.id('waiting')}`,
            actions: [{ type: 'notifyHolders', params: b.p }],
            description: 'notifier: ask every client holding the device to release (told = 1)',
          },
        },
      },
      waiting: {
        id: b.id('waiting'),
        description: 'notifier: wait for the acknowledgement of every client asked',
        on: {
          [b.ev('putRefs')]: {
            guard: { type: 'allAcked', params: b.p },
            target: `#${b.id('unlisted')}`,
            actions: [{ type: 'putRefs', params: b.p }],
            description: 'every holder acked: dma_chan_put the dmaengine_get references of the device to 0',
          },
        },
      },
      // 3.6's channel loop (a chanUnregister per channel, each under dma_list_mutex), then
      // synchronize_rcu() and, after its grace period, the free (machines/system/ioh.ts waitLoopSync).
      ...(() => {
        const { rcuWaiting, ...loop } = waitLoopSync(
          b,
          false,
          { waiting: "nobody holds the device any more: unregister's channel loop", free: 'the grace period is over: free the device and its channels' },
          'unlisted',
        );
        const on = rcuWaiting.on as Record<string, readonly FreeTransition[]>;
        const free = on[b.ev('free')].map((t) => ({ ...t, actions: [...t.actions, { type: 'forgetTold' as const, params: b.p }] }));
        return { ...loop, rcuWaiting: { ...rcuWaiting, on: { [b.ev('free')]: free } } };
      })(),
    },
  }),
  clientSteps: (c) => {
    const p = { t: c.index };
    // as const: the helper's rule names stay literal, so the compiler checks them.
    const ack = (target: string, description: string) =>
      ({
        [`${c.name}.ack`]: {
          guard: { type: 'notified', params: p },
          target: `#${c.name}.${target}`,
          actions: [{ type: 'ackRelease', params: p }],
          description,
        },
      }) as const;
    return c.kind === 'slave'
      ? { holding: ack('released', 'notifier: the release callback runs dma_release_channel and acks') }
      : { 'worker.idle': ack('worker.idle', 'notifier: between rounds, the release callback drops any cached pointer into the device and acks') };
  },
  rules: (L) => {
    const pending = (ctx: SystemContext, h: number, t: number) => ctx.design.threads[t].told === 1 && holds(ctx, L, t, ctx.iohs[h].cur);
    const base = clientRules(L).guards;
    return {
      overrides: {
        guards: {
          // An asked client answers before it starts another round (else a busy client could
          // cycle forever with the ack enabled only between rounds, never continuously).
          canFind: (ctx, p: { t: number }, e) => ctx.design.threads[p.t].told !== 1 && base.canFind(ctx, p, e),
          canReget: (ctx, p: { t: number }, e) => ctx.design.threads[p.t].told !== 1 && base.canReget(ctx, p, e),
        },
      },
      guards: {
        notified: (ctx, { t }: { t: number }) => ctx.design.threads[t].told === 1,
        allAcked: (ctx, { h }: { h: number }) => L.clients.every((_, t) => !pending(ctx, h, t)),
      },
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
            const c = th.chan;
            // dma_release_channel from the callback (the device is not freed yet).
            dmaChanPut(ctx, c);
            const dev = ctx.devices[L.channels[c].device];
            if (--dev.privatecnt === 0) dev.private = 0;
            th.chan = -1;
          } else if (th.cached >= 0 && ctx.devices[L.channels[th.cached].device].listed === 0) th.cached = -1;
        },
        forgetTold: (ctx) => {
          for (const v of ctx.design.threads) v.told = 0;
        },
      },
    };
  },
  claims: [
    'no-use-after-free',
    'client-count-matches-holders',
    'resources-iff-held',
    'table-names-listed-channels',
    'ref-sum-nonnegative-when-quiescent',
    'removal-completes',
    'waiting-client-answered',
  ],
  assumptions: [
    {
      text: 'Every client answers the release request from its own context once its in-flight round is done, whatever it would do on its own (a never-releasing slave still releases when asked).',
      flags: {},
    },
    { text: 'Removals are not concurrent: one IOH ejects at a time (the acknowledgement flags are per client, not per device).', flags: {} },
    NO_EARLY_RELEASE,
  ],
});
