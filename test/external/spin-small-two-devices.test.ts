/** test/external/spin.test.ts on a small scenario (machines/small-scenarios.ts TWO_DEVICES). Needs spin and gcc. */
import { describe } from 'vitest';
import { TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { spinAgreesOn } from './spin-faithful.ts';

describe('dmaspec export --format promela under SPIN: two-devices', () => spinAgreesOn(TWO_DEVICES));
