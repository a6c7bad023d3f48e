/**
 * Properties of your own, for `dmaspec check --property examples/properties/release-callbacks.ts`
 * (docs/writing-a-design.md, "Your own properties"). They read the design variable `told` of
 * the notifier designs (the built-in `notifier`, examples/designs/free-before-ack.ts): 1 once
 * unregister asked the client to release the dying device, 2 once its release callback ran.
 * Under a design without `told` nothing asks a client, so the triggers are never reached and
 * the verdicts say "holds (vacuous)".
 */
import { defineProperty, type SystemView } from 'dmaspec/design';

/** Whether some client was asked to release and its callback has not run yet. */
const asked = (v: SystemView) => v.context.design.threads.some((t) => t.told === 1);

/** Safety: no device is freed while a client it asked to release has not run its release callback. */
export const callbacksBeforeFree = defineProperty({
  name: 'callbacks-before-free',
  description: 'Every release callback a removal asked for ran before the device was freed: no state has a freed device and a client still asked (told = 1).',
  trigger: { text: 'unregister asked a client to release', reached: asked },
  holds: (v) => !(asked(v) && v.context.devices.some((d) => d.freed === 1)),
});

/** Liveness: a client asked to release eventually runs its callback (under weak fairness of threads). */
export const askedClientAnswers = defineProperty({
  name: 'asked-client-answers',
  description: 'Whenever unregister asked a client to release, eventually no client is left asked: every callback runs.',
  trigger: { text: 'unregister asked a client to release', reached: asked },
  goal: (v) => !asked(v),
});
