/** test/external/spin-liveness.ts on the small scenarios of the SPIN safety tests (machines/small-scenarios.ts), every design. Needs spin and gcc. */
import { describe } from 'vitest';
import { NET_AND_SLAVE, TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { spinLivenessAgrees } from './spin-liveness.ts';

describe('liveness of the Promela export under SPIN: the small scenarios', () => {
  spinLivenessAgrees([{ scenario: NET_AND_SLAVE }, { scenario: TWO_DEVICES }]);
});
