/**
 * The ghost state of the system machine (machines/system/context.ts `GHOST_STATE`) as a
 * table for spec/threads.md (block `dmaspec:ghost-state`): the history variables only the
 * properties read, so that a reader of a trace knows which variables no kernel code has.
 * @module
 */
import { GHOST_STATE } from '../../machines/system/context.ts';

/** The markdown table of the ghost variables. */
export function ghostStateTable(): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  return ['| ghost variable | what it records, and who reads it |', '| --- | --- |', ...GHOST_STATE.map((g) => `| \`${g.path}\` | ${cell(g.records)} |`)].join(
    '\n',
  );
}
