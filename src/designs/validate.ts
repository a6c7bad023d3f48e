/**
 * Validation of a design before anything explores it: every mistake a design file can make
 * that would otherwise crash with a stack trace, or pass silently and give a wrong verdict
 * (a write to a field the checker's packed layout does not have is dropped, and a guard
 * reading it then reports a false deadlock). Each is a {@link DesignError} whose one-line
 * message names the design, the rule and the fix; the CLI prints it and exits 2.
 *
 * In order: the fields of the model (and strategy); claim and assumption names; declared
 * variables; the rules, client steps, design threads and IOH program as the system machine
 * is built from them (new rule vs override, unknown client state, taken thread name:
 * machines/system/index.ts); every guard and action a transition references, every
 * transition's target and thread; every timeout's step and bound; then a dry
 * run: a bounded breadth-first walk of the system machine on the scenario with every
 * design rule wrapped, so that a rule that throws, reads or writes outside the context's
 * fields, writes from a guard, returns a value from an action (the xstate `assign` habit)
 * or leaves a declared variable's range is named with the step that did it, and a step of
 * a design thread that changes nothing (a busy loop that hides deadlocks) is refused.
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { type ActionRule, cloneContext, type GuardRule, type Rules, type StepEvent } from '../../machines/kit.ts';
import { configTransitions, type StateConfig } from '../../machines/make.ts';
import type { SystemContext } from '../../machines/system/context.ts';
import { mapDesignRules, type DesignModel, type DesignRules, type DesignVariables } from '../../machines/system/design.ts';
import { DesignError, DesignErrors, didYouMean } from '../../machines/system/design-error.ts';
import { buildSystem, designVariablesOf, systemConfig, systemRules, type SystemModel } from '../../machines/system/index.ts';
import { HOT_PATH_KINDS } from '../../machines/system/hotpaths/index.ts';
import { layoutOf } from '../../machines/system/layout.ts';
import { snapshotKey, snapshotView } from '../../machines/xstate.ts';
import { type AnyProperty, PROPERTY_NAMES } from '../../machines/system/properties.ts';
import { checkPropertiesOn, checkPropertyList } from './validate-properties.ts';
import { hasWalker, rxThread } from '../../spec/vocabulary.ts';
import { CLIENT_KINDS, type Scenario } from '../scenario.ts';
import type { Design } from './design.ts';

export { DesignError, DesignErrors };

/** Client flags an assumption may name (scenario JSON client fields). */
const ASSUMPTION_FLAGS = ['releases', 'busy', 'migrates', 'releasesEarly'] as const;

/** Options of {@link validateDesign}. */
export interface ValidateOptions {
  /** States the dry run visits at most (default 1,000: about a second, not the whole space). */
  readonly dryRunStates?: number;
}

/** A design module's export as a {@link Design}: a `{ model, strategy? }` or a bare model. */
export function asDesign(v: unknown): Design {
  if (v !== null && typeof v === 'object' && 'model' in v) return v as Design;
  return { model: v as DesignModel };
}

/**
 * Checks `input` (a {@link Design} or a bare {@link DesignModel}) against `scenario`.
 * @returns the design, as a Design.
 * @throws DesignError for the mistake found, or DesignErrors for all of them when there are several (the dry run adds only its first).
 */
export function validateDesign(input: unknown, scenario: Scenario, options: ValidateOptions = {}): Design {
  const design = asDesign(input);
  const D = design.model;
  const problems = new Problems(checkObject(D));
  // Every mistake the checks before the build can see, reported together.
  checkFields(D, problems.note);
  if (design.strategy !== undefined && (typeof design.strategy !== 'object' || typeof design.strategy.bind !== 'function'))
    problems.note('strategy', 'is not a design strategy', 'export { model } alone, or a strategy with bind(kernel) (src/core/design.ts DesignStrategy)');
  if (Array.isArray(D.claims)) checkClaims(D, problems.note);
  if (Array.isArray(D.assumptions)) checkAssumptions(D, problems.note);
  if (D.properties !== undefined) checkPropertyList(D.properties, problems.note, new Set());
  checkVariables(D.variables, problems.note);
  checkDeviceKref(D, problems.note);
  problems.throwIfAny();
  const m = buildChecked(scenario, D, problems);
  checkTimeouts(D, m, problems.note);
  problems.throwIfAny();
  // The dry run walks states: it stops at its first mistake.
  dryRun(scenario, D, options.dryRunStates ?? 1000, problems.fail, D.properties ?? []);
  return design;
}

/**
 * Checks properties from elsewhere (a `--property FILE` module) against a valid design on
 * `scenario`: their shape, names new beside the design's own, and their predicates on the
 * states of the design's dry run.
 * @throws DesignError for the mistake found, or DesignErrors for all of them.
 */
export function validateProperties(source: string, list: unknown, scenario: Scenario, D: DesignModel, options: ValidateOptions = {}): readonly AnyProperty[] {
  const problems = new Problems(`${D.name} (--property ${source})`);
  const taken = new Set((D.properties ?? []).map((p) => p.name));
  checkPropertyList(list, problems.note, taken);
  problems.throwIfAny();
  const props = list as readonly AnyProperty[];
  dryRun(scenario, D, options.dryRunStates ?? 1000, problems.fail, props);
  return props;
}

/** Records a mistake and goes on. */
type Note = (where: string, problem: string, fix: string) => void;
/** Records a mistake and stops: every mistake so far is thrown. */
type Fail = (where: string, problem: string, fix: string) => never;

/** The mistakes of one design found so far; one mistake met in several places (a misspelled guard every client's step names) is reported once, at the first. */
class Problems {
  private readonly list: DesignError[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly design: string) {}
  readonly note: Note = (where, problem, fix) => {
    const key = `${problem}\n${fix}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(new DesignError(this.design, where, problem, fix));
  };
  readonly fail: Fail = (where, problem, fix) => {
    this.note(where, problem, fix);
    return this.throwIfAny() as never;
  };
  /** Throws the one mistake, or all of them as one {@link DesignErrors}. */
  throwIfAny(): void {
    if (this.list.length === 1) throw this.list[0];
    if (this.list.length > 1) throw new DesignErrors(this.list);
  }
}

/** The design's name for messages; a value that is no object at all is the one mistake. */
function checkObject(D: DesignModel): string {
  if (D === null || typeof D !== 'object')
    throw new DesignError('(unnamed)', 'export', 'is not a design model', 'export a DesignModel (machines/system/design.ts) or { model, strategy }');
  return typeof D.name === 'string' && D.name ? D.name : '(unnamed)';
}

function checkFields(D: DesignModel, note: Note): void {
  const name = typeof D.name === 'string' && D.name ? D.name : '(unnamed)';
  if (name === '(unnamed)') note('name', 'is missing', 'give the design a name (lower case, digits and dashes)');
  else if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) note('name', `${JSON.stringify(name)} is not lower case, digits and dashes`, 'rename it, e.g. my-notifier');
  for (const k of ['title', 'summary'] as const) if (typeof D[k] !== 'string') note(k, 'must be a string', `add a ${k}`);
  if (!(HOT_PATH_KINDS as readonly string[]).includes(D.hotPath))
    note(
      'hotPath',
      `${JSON.stringify(D.hotPath)} is not a hot path kind${didYouMean(String(D.hotPath), HOT_PATH_KINDS)}`,
      `use one of ${HOT_PATH_KINDS.join(', ')}`,
    );
  for (const k of ['ejecting', 'rules'] as const) if (typeof D[k] !== 'function') note(k, 'must be a function', `add ${k}(…) (machines/system/design.ts)`);
  if (D.threads !== undefined && typeof D.threads !== 'function')
    note('threads', 'must be a function of the layout', 'write threads: (L) => ({ wq0: { id: "wq0", initial, states } })');
  if (D.clientSteps !== undefined && typeof D.clientSteps !== 'function')
    note('clientSteps', 'must be a function of the client', 'write clientSteps: (c) => ({ …})');
  for (const k of ['claims', 'assumptions'] as const) if (!Array.isArray(D[k])) note(k, 'must be a list', `give ${k} as an array ([] for none)`);
}

function checkClaims(D: DesignModel, fail: Note): void {
  const seen = new Set<string>();
  for (const c of D.claims) {
    if ((c as string) === 'deadlock-free')
      fail(`claim ${c}`, 'is checked for every design and shown in every verdict table, but it is not a claimable property', 'leave it out of claims');
    else if (!(PROPERTY_NAMES as readonly string[]).includes(c))
      fail(`claim ${c}`, `no property has this name${didYouMean(String(c), PROPERTY_NAMES)}`, `claim one of ${PROPERTY_NAMES.join(', ')}`);
    else if (seen.has(c)) fail(`claim ${c}`, 'is claimed twice', 'list it once');
    seen.add(c);
  }
}

function checkAssumptions(D: DesignModel, fail: Note): void {
  D.assumptions.forEach((a, i) => {
    const where = `assumption ${i + 1}`;
    if (a === null || typeof a !== 'object') return fail(where, 'is not an object', "write { text: '…', flags: {} }");
    if (typeof a.text !== 'string') fail(where, 'has no text', "write { text: '…', flags: {} }");
    if (a.flags === null || typeof a.flags !== 'object') return fail(where, 'has no flags', 'give flags: {} when it is prose only');
    for (const [k, v] of Object.entries(a.flags)) {
      if (!(ASSUMPTION_FLAGS as readonly string[]).includes(k))
        fail(`${where} flag ${k}`, `is not a client flag${didYouMean(k, ASSUMPTION_FLAGS)}`, `use one of ${ASSUMPTION_FLAGS.join(', ')}`);
      if (typeof v !== 'boolean') fail(`${where} flag ${k}`, 'must be true or false', `write ${k}: true or ${k}: false`);
    }
    if (a.steps !== undefined && (!Array.isArray(a.steps) || a.steps.some((s) => typeof s !== 'string')))
      fail(`${where} steps`, 'must be a list of step names', "write steps: ['reget'], or steps: [] for a premise no run can break");
    for (const k of Array.isArray(a.kinds) ? a.kinds : [])
      if (!(CLIENT_KINDS as readonly string[]).includes(k))
        fail(`${where} kind ${k}`, `is not a client kind${didYouMean(k, CLIENT_KINDS)}`, `use ${CLIENT_KINDS.join(', ')}`);
  });
}

/** `deviceKref` names one of the design's per-device variables (the observable reads it there). */
function checkDeviceKref(D: DesignModel, fail: Note): void {
  if (D.deviceKref === undefined) return;
  const perDevice = Object.keys(D.variables?.perDevice ?? {});
  if (typeof D.deviceKref !== 'string' || !perDevice.includes(D.deviceKref))
    fail(
      'deviceKref',
      `${JSON.stringify(D.deviceKref)} is no per-device variable of the design${didYouMean(String(D.deviceKref), perDevice)}`,
      "name the variables.perDevice entry that holds struct dma_device.ref, e.g. deviceKref: 'kref'",
    );
}

function checkVariables(vars: DesignVariables | undefined, fail: Note): void {
  for (const section of ['global', 'perThread', 'perDevice', 'perDeviceCpu'] as const)
    for (const [k, v] of Object.entries(vars?.[section] ?? {})) {
      const where = `variable ${section}.${k}`;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(where, 'is not an identifier', 'rename it (letters, digits, _)');
      const ints = [v?.initial, v?.min, v?.max].every((x) => Number.isInteger(x));
      if (!ints || typeof v.description !== 'string')
        fail(where, 'needs integer initial, min, max and a description', "write { initial: 0, min: 0, max: 1, description: '…' }");
      else if (!(v.min <= v.initial && v.initial <= v.max))
        fail(where, `initial ${v.initial} is outside ${v.min}..${v.max}`, 'fix the range or the initial value');
    }
}

/** Every declared timeout names a step of the program, with a bound of at least 1. */
function checkTimeouts(D: DesignModel, m: SystemModel, fail: Note): void {
  const steps = new Set(m.allEvents.map((e) => e.type.slice(e.type.indexOf('.') + 1)));
  for (const [step, t] of Object.entries(D.timeouts ?? {})) {
    if (!steps.has(step)) fail(`timeout ${step}`, `no step of the program has this name${didYouMean(step, [...steps])}`, 'name a step of the design’s program');
    else if (!Number.isInteger(t?.bound) || t.bound < 1)
      fail(`timeout ${step}`, 'needs an integer bound of at least 1', 'say how often it may fire in a run, e.g. { bound: 1 }');
  }
}

/** Builds the system machine, naming what throws. */
function buildChecked(scenario: Scenario, D: DesignModel, problems: Problems): SystemModel {
  const { note, fail } = problems;
  const L = layoutOf(scenario);
  for (const [what, f] of [
    ['rules()', () => D.rules(L)],
    ['clientSteps()', () => L.clients.map((c) => D.clientSteps?.(c))],
    ['threads()', () => D.threads?.(L)],
  ] as const)
    try {
      f();
    } catch (err) {
      note(what, `throws ${(err as Error).message}`, 'it must return plain data for every scenario shape');
    }
  problems.throwIfAny();
  let config: StateConfig;
  let rules: Rules<SystemContext>;
  try {
    rules = systemRules(L, D);
    config = systemConfig(L, D);
  } catch (err) {
    if (err instanceof DesignError) throw err;
    return fail(
      'ejecting()',
      `throws ${(err as Error).message}`,
      'it must return { afterUnregister, states } for every IOH (machines/system/ioh.ts EjectProgram)',
    );
  }
  checkTargets(config, [...threadNames(L), ...Object.keys(D.threads?.(L) ?? {})], note);
  checkReferences(config, rules, note);
  problems.throwIfAny();
  try {
    return buildSystem(scenario, D);
  } catch (err) {
    if (err instanceof DesignError) throw err;
    return fail('machine', `xstate refuses it: ${(err as Error).message}`, 'keep to the machine kit (machines/kit.ts)');
  }
}

/** The system machine's thread names (machines/system/index.ts buildSystem). */
const threadNames = (L: ReturnType<typeof layoutOf>): string[] => [
  ...L.clients.map((c) => c.name),
  ...L.iohs.map((h) => h.name),
  'cpu',
  ...L.clients.filter((c) => hasWalker(c)).map((c) => rxThread(c.name)),
];

/** Targets resolve to a state id of the transition's own region, and each event is `<thread>.<step>` of a known thread. */
function checkTargets(config: StateConfig, threads: readonly string[], fail: Note): void {
  const ids = new Set<string>();
  const walk = (n: StateConfig) => {
    if (typeof n.id === 'string') ids.add(n.id);
    for (const k of Object.values((n.states ?? {}) as Record<string, StateConfig>)) walk(k);
  };
  walk(config);
  const thread = (id: string) => id.split('.')[0];
  for (const { from, event, t } of configTransitions(config)) {
    const where = `step ${event} in ${from}`;
    if (!threads.includes(thread(event))) fail(where, `names no thread (${threads.join(', ')})`, `name it ${thread(from)}.<step>`);
    if (t.target === undefined) continue;
    const target = String(t.target);
    if (!target.startsWith('#')) {
      fail(where, `target ${target} is not a state id`, `write targets as #<state id>, e.g. #${from}`);
      continue;
    }
    const id = target.slice(1);
    if (!ids.has(id)) {
      const mine = [...ids].filter((x) => thread(x) === thread(from));
      fail(where, `target ${target} is no state${didYouMean(id, mine)}`, 'use the id of a state of the same thread (b.id(…) in ejecting)');
    } else if (thread(id) !== thread(from))
      fail(where, `target ${target} is on another thread`, `a step moves its own thread only: target a state of ${thread(from)}`);
  }
}

/** Every guard and action a transition names exists. */
function checkReferences(config: StateConfig, rules: Rules<SystemContext>, fail: Note): void {
  const name = (r: unknown) => (typeof r === 'string' ? r : String((r as { type?: unknown })?.type));
  for (const { from, event, t } of configTransitions(config)) {
    const where = `step ${event} in ${from}`;
    if (t.guard !== undefined && !Object.hasOwn(rules.guards, name(t.guard)))
      fail(
        where,
        `guard ${name(t.guard)} is not defined${didYouMean(name(t.guard), Object.keys(rules.guards))}`,
        'define it in rules().guards, or fix the name',
      );
    const actions = t.actions === undefined ? [] : Array.isArray(t.actions) ? t.actions : [t.actions];
    for (const a of actions)
      if (!Object.hasOwn(rules.actions, name(a)))
        fail(where, `action ${name(a)} is not defined${didYouMean(name(a), Object.keys(rules.actions))}`, 'define it in rules().actions, or fix the name');
  }
}

/** The first path where `got` differs in shape from `want` (a new or missing field, a non-integer), or null. */
function shapeDiff(want: unknown, got: unknown, path: string): string | null {
  if (want === null || typeof want !== 'object') {
    const leaf = (v: unknown) => v === null || typeof v === 'boolean' || Number.isInteger(v);
    return leaf(got) ? null : path;
  }
  if (got === null || typeof got !== 'object') return path;
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return path;
    for (let i = 0; i < want.length; i++) {
      const d = shapeDiff(want[i], got[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const w = want as Record<string, unknown>;
  const g = got as Record<string, unknown>;
  for (const k of Object.keys(g)) if (!(k in w)) return `${path}.${k}`;
  for (const k of Object.keys(w)) {
    const d = shapeDiff(w[k], g[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/** A declared variable outside its range, or null. */
function outOfRange(ctx: SystemContext, vars: DesignVariables): string | null {
  const check = (decl: DesignVariables['global'], values: Record<string, number>, at: string) => {
    for (const [k, v] of Object.entries(decl ?? {}))
      if (!(values[k] >= v.min && values[k] <= v.max)) return `variable ${at}${k} is ${values[k]}, outside its range ${v.min}..${v.max}`;
    return null;
  };
  return (
    check(vars.global, ctx.design.global, 'global.') ??
    ctx.design.threads.reduce<string | null>((r, t, i) => r ?? check(vars.perThread, t, `threads[${i}].`), null) ??
    ctx.design.devices.reduce<string | null>((r, d, i) => r ?? check(vars.perDevice, d, `devices[${i}].`), null) ??
    ctx.design.deviceCpus.reduce<string | null>(
      (r, d, i) => r ?? d.reduce<string | null>((q, c, cpu) => q ?? check(vars.perDeviceCpu, c, `deviceCpus[${i}][${cpu}].`), null),
      null,
    )
  );
}

/**
 * `obj` seen through a proxy that names the rule's mistakes as they happen: a read of a field
 * the context does not have (a misspelled or undeclared design variable reads `undefined`
 * and would steer the rule silently), and, for a guard, any write (xstate runs guards on
 * the state itself, and the checker would drop the write).
 */
function inspected<T extends object>(obj: T, path: string, rule: string, guard: boolean, fail: Fail): T {
  return new Proxy(obj, {
    get(t, k, receiver) {
      const v = Reflect.get(t, k, receiver);
      if (typeof k !== 'string') return v;
      if (!Array.isArray(t) && !(k in t))
        fail(
          rule,
          `reads ${path}.${k}, which is not a context field (it reads undefined)`,
          path.startsWith('ctx.design') ? `declare ${k} in variables, or fix the name` : 'read a field the context has (machines/system/context.ts)',
        );
      const at = Array.isArray(t) ? `${path}[${k}]` : `${path}.${k}`;
      return v !== null && typeof v === 'object' ? inspected(v as object, at, rule, guard, fail) : v;
    },
    set(t, k, v, receiver) {
      if (guard) fail(rule, `writes ${path}.${String(k)}`, 'a guard only reads the state: move the write into an action');
      return Reflect.set(t, k, v, receiver);
    },
    deleteProperty(_t, k) {
      return fail(rule, `deletes ${path}.${String(k)}`, 'the context has a fixed shape: set the field instead');
    },
  });
}

/**
 * The design's rules, each wrapped to name itself when it throws, reads or writes outside the
 * context's shape, or returns a value. A rule is run seen through {@link inspected} and then
 * as the checker runs it: one that fails only under the inspection (it handles the context
 * as a whole object, with `structuredClone`, say) is the checker's to run, not a mistake.
 */
function watched(shape: SystemContext, fail: Fail): (r: DesignRules) => DesignRules {
  const guard =
    (n: string, g: GuardRule<SystemContext>): GuardRule<SystemContext> =>
    (ctx, p, e) => {
      try {
        g(inspected(ctx, 'ctx', `guard ${n}`, true, fail), p, e);
      } catch (err) {
        if (err instanceof DesignError) throw err;
      }
      try {
        return g(ctx, p, e);
      } catch (err) {
        return fail(`guard ${n}`, `throws ${(err as Error).message} on ${e.type}`, 'a guard must read only fields the context has, for every reachable state');
      }
    };
  const action =
    (n: string, a: ActionRule<SystemContext>): ActionRule<SystemContext> =>
    (draft, p, e) => {
      let out: unknown;
      let inspectedOk = true;
      try {
        out = a(inspected(cloneContext(draft), 'ctx', `action ${n}`, false, fail), p, e);
      } catch (err) {
        if (err instanceof DesignError) throw err;
        inspectedOk = false;
      }
      try {
        a(draft, p, e);
      } catch (err) {
        fail(`action ${n}`, `throws ${(err as Error).message} on ${e.type}`, 'an action must only update fields the context has, for every state it runs in');
      }
      if (inspectedOk && out !== undefined)
        fail(
          `action ${n}`,
          `returns ${out === null ? 'null' : typeof out} on ${e.type}, which the checker ignores`,
          "an action updates ctx in place and returns nothing (this is not xstate's assign): write ctx.<field> = …",
        );
      const bad = shapeDiff(shape, draft, 'ctx');
      if (bad)
        fail(
          `action ${n}`,
          `writes ${bad} on ${e.type}, which is not a context field (the checker would drop it)`,
          `declare it in variables (e.g. perThread: { ${bad.split('.').pop()}: { initial: 0, min: 0, max: 1, description: '…' } }) and use ctx.design`,
        );
    };
  return (r) => mapDesignRules(r, guard, action);
}

/** A bounded breadth-first walk of the system machine with the design's rules watched. */
function dryRun(scenario: Scenario, D: DesignModel, limit: number, fail: Fail, properties: readonly AnyProperty[]): void {
  const shape = buildSystem(scenario, D).config.context as SystemContext;
  const wrap = watched(shape, fail);
  const m = buildSystem(scenario, { ...D, rules: (l) => wrap(D.rules(l)) });
  const ownThreads = new Set(Object.keys(D.threads?.(layoutOf(scenario)) ?? {}));
  const [initial] = initialTransition(m.machine);
  const seen = new Set([snapshotKey(initial)]);
  const queue: AnyMachineSnapshot[] = [initial];
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    const s = queue[i];
    checkPropertiesOn(properties, snapshotView(s), m, fail);
    let events: StepEvent[];
    try {
      events = m.enabledEvents(snapshotView(s));
    } catch (err) {
      if (err instanceof DesignError) throw err;
      fail('guards', `throw ${(err as Error).message}`, 'a guard must read only fields the context has');
    }
    for (const e of events) {
      let next: AnyMachineSnapshot;
      try {
        [next] = transition(m.machine, s, e);
      } catch (err) {
        if (err instanceof DesignError) throw err;
        fail(`step ${e.type}`, `throws ${(err as Error).message}`, 'check the rules this step runs');
      }
      if ((next as { status?: string }).status === 'error') {
        const cause = (next as { error?: unknown }).error;
        if (cause instanceof DesignError) throw cause;
        fail(`step ${e.type}`, `throws ${(cause as Error)?.message ?? String(cause)}`, 'check the rules this step runs');
      }
      const range = outOfRange(next.context as SystemContext, designVariablesOf(D));
      if (range) fail(range.split(' is ')[0], `is ${range.split(' is ')[1]} after ${e.type}`, 'widen the declared range, or fix the rule that writes it');
      const k = snapshotKey(next);
      if (k === snapshotKey(s) && ownThreads.has(e.type.slice(0, e.type.indexOf('.'))))
        fail(
          `step ${e.type}`,
          'changes nothing (its thread stays where it is and no variable moves), so it can repeat for ever',
          'a step that is always enabled and does nothing hides every deadlock and keeps timers from firing: guard it so it is enabled only when it has work to do',
        );
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(next);
      }
    }
  }
}
