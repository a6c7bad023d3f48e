/** test/external/spin.test.ts on a small scenario (machines/small-scenarios.ts NET_AND_SLAVE). Needs spin and gcc. */
import { describe } from 'vitest';
import { NET_AND_SLAVE } from '../../machines/small-scenarios.ts';
import { spinAgreesOn } from './spin-faithful.ts';

describe('dmaspec export --format promela under SPIN: net-and-slave', () => spinAgreesOn(NET_AND_SLAVE));
