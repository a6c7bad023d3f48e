/**
 * The implementation (src/core) that commands replay counterexamples on, loaded lazily so
 * that a broken core does not stop the checker (the replay then says it was unavailable).
 * @module
 */
import type { ImplementationFactory } from '../check/run.ts';

/** src/core's system for a scenario and design, or undefined when it cannot be loaded. */
export async function implementationFactory(): Promise<ImplementationFactory | undefined> {
  try {
    const core = await import('../system/system.ts');
    return (scenario, design) => core.createSystem(scenario, { design });
  } catch {
    return undefined;
  }
}
