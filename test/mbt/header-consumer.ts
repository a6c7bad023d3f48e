/**
 * A consumer of `dmaspec-paths/3` files written from the format alone, as another
 * implementation's harness would read it: it imports nothing of dmaspec. It knows no machine:
 * every `enabled` list is computed from the header's guards (decision trees over the step's
 * observable and program values, with the timer rule), every guard input's field is looked
 * up in the header's field list, every bound's events in its event list.
 */

type Json = string | number | boolean | null;
type GuardNode = { input: number; cases: { values: Json[]; next: number }[] } | { value: boolean | null };
interface Input {
  name: string;
  source: 'observable' | 'program';
  path: string;
  values: Json[];
  meaning: string;
}
interface Header {
  format: string;
  machine: string;
  events: { event: Record<string, Json>; label: string; guard: number; timer: boolean }[];
  observable: { path: string; type: string; meaning: string }[];
  guards: { inputs: Input[]; nodes: GuardNode[] };
  implementation: { bounds: { name: string; value: number; events: string[]; meaning: string }[] };
  initial: State;
}
interface State {
  observable: unknown;
  enabled: string[];
  program: Record<string, Json>;
}
type Step = State & { event: Record<string, Json> };

/** A disagreement between the file and what its header says, at a path and step (-1: the initial state). */
export class HeaderConsumerError extends Error {
  override readonly name = 'HeaderConsumerError';
}

/** Reads a dotted path with `[i]` indices. */
const read = (value: unknown, path: string): unknown =>
  (path.match(/[^.[\]]+/g) ?? []).reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k]), value);

/** By byte, as C's strcmp (the labels are ASCII). */
const byByte = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function evaluate(h: Header, root: number, at: State, where: string): boolean | null {
  let n = h.guards.nodes[root];
  while ('input' in n) {
    const input = h.guards.inputs[n.input];
    const v = (input.source === 'observable' ? read(at.observable, input.path) : at.program[input.name]) as Json;
    const c = n.cases.find((x) => x.values.includes(v));
    if (!c) throw new HeaderConsumerError(`${where}: input ${input.name} = ${JSON.stringify(v)} is in none of its guard cases`);
    n = h.guards.nodes[c.next];
  }
  return n.value;
}

/** The enabled labels of a state, from the header alone. */
function enabledAt(h: Header, at: State, where: string): string[] {
  const on = h.events.filter((e) => {
    const v = evaluate(h, e.guard, at, `${where} ${e.label}`);
    if (v === null) throw new HeaderConsumerError(`${where}: the guard of ${e.label} is undefined in a reached state`);
    return v;
  });
  const plain = on.filter((e) => !e.timer);
  return (plain.length ? plain : on).map((e) => e.label).sort(byByte);
}

/** Checks what the header promises about itself: every input's field documented, every bound's events known. */
function checkHeader(h: Header): void {
  if (h.format !== 'dmaspec-paths/3') throw new HeaderConsumerError(`format ${h.format}`);
  const documented = new Set(h.observable.map((f) => f.path));
  for (const input of h.guards.inputs) {
    if (!input.meaning) throw new HeaderConsumerError(`input ${input.name} has no meaning`);
    if (input.source === 'observable' && !documented.has(input.path.replace(/\[\d+\]/g, '[]')))
      throw new HeaderConsumerError(`input ${input.name}: observable ${input.path} is not in the header's field list`);
  }
  const types = new Set(h.events.map((e) => e.event.type));
  for (const b of h.implementation.bounds) for (const t of b.events) if (!types.has(t)) throw new HeaderConsumerError(`bound ${b.name}: no event ${t}`);
}

/** Checks a state's program values against the header's program inputs and its enabled list against the guards. */
function checkState(h: Header, at: State, where: string): void {
  const program = h.guards.inputs.filter((i) => i.source === 'program');
  const names = Object.keys(at.program).sort();
  const want = program.map((i) => i.name).sort();
  if (JSON.stringify(names) !== JSON.stringify(want)) throw new HeaderConsumerError(`${where}: program has ${names}, the header's program inputs are ${want}`);
  for (const i of program)
    if (!i.values.includes(at.program[i.name])) throw new HeaderConsumerError(`${where}: program ${i.name} = ${at.program[i.name]} is outside its values`);
  const got = enabledAt(h, at, where);
  if (JSON.stringify(got) !== JSON.stringify(at.enabled))
    throw new HeaderConsumerError(`${where}: the guards enable ${JSON.stringify(got)}, the file lists ${JSON.stringify(at.enabled)}`);
}

/**
 * Replays a whole file's `enabled` lists from its header's guards: every state of every path.
 * @returns the paths and states checked.
 * @throws HeaderConsumerError at the first disagreement.
 */
export function consumeFromHeader(lines: readonly string[]): { paths: number; states: number } {
  const h = JSON.parse(lines[0]) as Header;
  checkHeader(h);
  checkState(h, h.initial, 'initial');
  const labelOf = new Map(h.events.map((e) => [JSON.stringify(Object.entries(e.event).sort()), e.label]));
  let paths = 0;
  let states = 1;
  for (const text of lines.slice(1)) {
    const line = JSON.parse(text) as { kind: string; id: number; steps: Step[] };
    if (line.kind !== 'path') continue;
    let before: State = h.initial;
    line.steps.forEach((s, i) => {
      const label = labelOf.get(JSON.stringify(Object.entries(s.event).sort()));
      if (!label || !before.enabled.includes(label)) throw new HeaderConsumerError(`path ${line.id} step ${i}: ${JSON.stringify(s.event)} was not enabled`);
      checkState(h, s, `path ${line.id} step ${i}`);
      before = s;
      states++;
    });
    paths++;
  }
  return { paths, states };
}
