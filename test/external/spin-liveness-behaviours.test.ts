/**
 * test/external/spin-liveness.ts on the behaviour scenarios whose liveness properties fail
 * (src/check/scenarios.ts), every design, and on a design with a timer step, where the timer
 * rule decides the verdict (test/designs/fixtures/ack-timeout.ts). Needs spin and gcc.
 */
import { describe, expect, it } from 'vitest';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { BUSY_HOLDER, deafAckTimeout } from '../designs/fixtures/ack-timeout.ts';
import { spinLivenessAgrees } from './spin-liveness.ts';

const NEVER_RELEASES = behaviourScenario('never-releases');
const BUSY = behaviourScenario('busy');
const TIMER = deafAckTimeout(true);
const PLAIN = deafAckTimeout(false);

describe('liveness of the Promela export under SPIN: never-releases, busy, and a timer step', () => {
  const verdicts = spinLivenessAgrees([{ scenario: NEVER_RELEASES }, { scenario: BUSY }, { scenario: BUSY_HOLDER, designs: [TIMER, PLAIN] }]);

  // The cases reach every way a liveness property fails, and holds where SPIN's -f would not.
  it('a dead end: the RFC wait hangs on a holder that never releases', async () => {
    expect((await verdicts(NEVER_RELEASES, DESIGNS['rfc-wait'].model)).spin['removal-completes']).toBe('violated');
  });
  it('a fair cycle: a busy client starves the quiesce loop', async () => {
    expect((await verdicts(BUSY, DESIGNS['rfc-wait'].model)).spin['quiesce-terminates']).toBe('violated');
  });
  it("a timer step kept from firing is no thread's unfairness; the same step as a plain one must fire", async () => {
    expect((await verdicts(BUSY_HOLDER, TIMER)).spin['removal-completes']).toBe('violated');
    expect((await verdicts(BUSY_HOLDER, PLAIN)).spin['removal-completes']).toBe('holds');
  });
  it("a busy client under notifier: removal completes (pan -f, fair per process, finds a cycle of net0's steps here)", async () => {
    expect((await verdicts(BUSY, DESIGNS.notifier.model)).spin['removal-completes']).toBe('holds');
  });
});
