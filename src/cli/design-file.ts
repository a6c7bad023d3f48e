/**
 * `--design FILE` for `simulate` and `paths`: the design module loaded and validated
 * (src/designs/load.ts), its mistakes as usage errors (exit 2, one line).
 * @module
 */
import type { Design } from '../designs/design.ts';
import { DesignFileError, loadDesignFile } from '../designs/load.ts';
import { DesignError } from '../designs/validate.ts';
import type { Scenario } from '../scenario.ts';
import { UsageError } from './usage-error.ts';

/** The design of module `file`, validated on `scenario`. @throws UsageError */
export async function designFromFile(file: string, scenario: Scenario): Promise<Design> {
  try {
    return await loadDesignFile(file, scenario);
  } catch (err) {
    if (err instanceof DesignFileError || err instanceof DesignError) throw new UsageError(err.message);
    throw err;
  }
}
