/**
 * The liveness half of an exported model, compiled in by `spin -a -DLTL`: each liveness
 * property as a never claim that accepts exactly the counterexamples dmaspec's check
 * (src/check/engine/liveness.ts) finds, so that `pan -a` gives dmaspec's verdict.
 *
 * dmaspec's fairness is weak fairness per thread (`model.threads`, an event's prefix): a
 * thread enabled in every state of a cycle must step in it. A scheduler step (`migrate`,
 * machines/model.ts `schedulerSteps`) is neither the thread's progress nor makes it
 * enabled, and a timer step makes its thread enabled only where it may fire (nothing else
 * is enabled, machines/model.ts `timerRule`). SPIN's `-f` is weak fairness per process, and a process
 * here holds every region under one top-level state (`net0-rx`'s steps run in `t_net0`) and
 * the thread's `migrate`: not the same notion, and it finds cycles dmaspec rules out. So the
 * fairness is in the claim instead, and pan runs without `-f`: the claim is the Büchi
 * automaton of the negation of
 *
 *     ([]<> FAIR_0 && … && []<> FAIR_n) -> [] (TRIGGER -> <> GOAL)
 *
 * with `FAIR_t = !ENABLED_t || last_thread == t`, where `last_thread` is the thread whose own
 * step led to the state (the steps set it). Written out rather than as an `ltl` block: SPIN's
 * LTL translator splits every `&&`/`||` of the enabling conditions into propositions, and
 * did not finish on this formula in five minutes even for the busy scenario.
 *
 * A run that reaches a state with no step is extended by SPIN with that state repeated
 * (stuttering); there no thread is enabled, so the claim accepts, as dmaspec counts a
 * dead end (deadlock or final state) after the trigger as a counterexample.
 * @module
 */

/** What the claims are written from. */
export interface LivenessSource {
  /** Thread names (`model.threads`); a step's thread is an index into it. */
  readonly threads: readonly string[];
  /** Per step `k` (its guard is `EN_k`): whose progress it is (-1: nobody's, a scheduler step) and whether it is a timer step. */
  readonly steps: readonly { readonly thread: number; readonly timer: boolean }[];
  /** Each property: its Promela name and its trigger and goal as expressions of the state. */
  readonly properties: readonly { readonly name: string; readonly trigger: string; readonly goal: string }[];
}

/** The value `last_thread` holds initially and after a step that is no thread's progress. */
const none = (src: LivenessSource) => src.threads.length;

/** The statement ending step `k`'s `d_step`: records whose progress the step was (a no-op without -DLTL). */
export function steppedStatement(src: LivenessSource, k: number): string {
  const t = src.steps[k].thread;
  return `STEPPED(${t < 0 ? none(src) : t})`;
}

/** Lines before the processes: `last_thread` (in the state vector only under -DLTL) and `STEPPED`. */
export function livenessPreamble(src: LivenessSource): string[] {
  return [
    '#ifdef LTL',
    `/* The thread whose own step led to this state, by index (${src.threads.map((t, i) => `${i} ${t}`).join(', ')}); ${none(src)} initially and after a migrate. */`,
    `byte last_thread = ${none(src)};`,
    '#define STEPPED(t) last_thread = t',
    '#else',
    '/* Without -DLTL nothing is recorded: the state vector is the one dmaspec counts. */',
    '#define STEPPED(t) skip',
    '#endif',
  ];
}

/** Lines after the processes: when each thread is enabled, its fairness, and one never claim per property. */
export function livenessClaims(src: LivenessSource): string[] {
  const steps = src.steps.map((s, k) => ({ ...s, k }));
  const en = (list: readonly { k: number }[]) => list.map((s) => `EN_${s.k}`).join(' || ');
  const plain = steps.filter((s) => !s.timer);
  const hasTimers = steps.some((s) => s.timer);
  const lines = [
    '#ifdef LTL',
    '/* Liveness: check one property with pan -a -A -N <name>, without -f (the claims carry the fairness, see the module comment of src/promela/liveness.ts). */',
  ];
  if (hasTimers)
    lines.push(
      '/* Some step other than a timer step is enabled: timer steps wait (machines/model.ts `timerRule`). */',
      `#define PLAIN_ENABLED (${en(plain) || '0'})`,
    );
  const fair: number[] = [];
  src.threads.forEach((name, t) => {
    const own = steps.filter((s) => s.thread === t);
    if (own.length === 0) return;
    const ownPlain = own.filter((s) => !s.timer);
    const ownTimer = own.filter((s) => s.timer);
    const parts = [...(ownPlain.length ? [en(ownPlain)] : []), ...(ownTimer.length ? [`(!PLAIN_ENABLED && (${en(ownTimer)}))`] : [])];
    lines.push(
      `#define ENABLED_${t} (${parts.join(' || ')}) /* ${name} can take a step of its own */`,
      `#define FAIR_${t} (!ENABLED_${t} || last_thread == ${t})`,
    );
    fair.push(t);
  });
  for (const p of src.properties) lines.push('', ...claim(p, fair));
  lines.push('#endif', '');
  return lines;
}

/**
 * The never claim of property `p`: waits nondeterministically for a state where the trigger
 * holds and the goal does not, then requires the goal never to hold, and accepts once each
 * thread's fairness has held in turn (the generalized Büchi condition, one counter).
 */
function claim(p: LivenessSource['properties'][number], fair: readonly number[]): string[] {
  const T = `TRIGGER_${p.name}`;
  const G = `GOAL_${p.name}`;
  const wait = (i: number) => (i < fair.length ? `fair_${i}` : 'accept_fair');
  const out = [
    `#define ${T} ${p.trigger}`,
    `#define ${G} ${p.goal}`,
    `/* ${p.name}: ${fair.length ? `(${fair.map((t) => `[]<> FAIR_${t}`).join(' && ')}) -> ` : ''}[] (${T} -> <> ${G}); this claim accepts the runs that break it. */`,
    `never ${p.name} {`,
    '  do',
    `  :: ${T} && !${G} -> goto ${wait(0)}`,
    '  :: true',
    '  od;',
  ];
  fair.forEach((t, i) => {
    out.push(`${wait(i)}:`, '  if', `  :: !${G} && FAIR_${t} -> goto ${wait(i + 1)}`, `  :: !${G} && !FAIR_${t} -> goto ${wait(i)}`, '  fi;');
  });
  out.push('accept_fair:', '  if', `  :: !${G} -> goto ${wait(0)}`, '  fi', '}');
  return out;
}
