/**
 * The export never prints a model it could not translate: a design file whose guard fails on
 * the probe is refused with a DesignError naming the design and the step (the CLI exits 2),
 * although `dmaspec check` runs it (its stepper runs rules on real states).
 */
import { describe, expect, it } from 'vitest';
import { TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import { loadDesignFile } from '../../src/designs/load.ts';
import { exportPromela } from '../../src/promela/export.ts';

const file = new URL('../designs/fixtures/files/untranslatable.ts', import.meta.url).pathname;

describe('an untranslatable rule', () => {
  it('is refused by the export, naming the design and the step', async () => {
    const { model } = await loadDesignFile(file, TWO_DEVICES);
    let err: unknown;
    try {
      exportPromela(TWO_DEVICES, model);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DesignError);
    expect((err as DesignError).design).toBe('clones-context');
    expect((err as DesignError).where).toBe('step net0-rx.walk from net0.softirq.idle');
    expect((err as DesignError).message).toContain('guard softirqCanRun');
  });
});
