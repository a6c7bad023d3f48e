/**
 * The last-step note of a liveness or hang trace: what waits for what, and why nothing can
 * release it. A hang (`end: 'deadlock'`) has no enabled step at all, so naming who waits and
 * what it waits for is the whole explanation; a lasso (`end: 'cycle'`) repeats its last
 * steps forever, so the note names who acts in the cycle and who never moves.
 * @module
 */
import type { TraceJson } from '../check/json.ts';
import type { Vars } from './explain.ts';

/** Each thread's leaf states after the last step (`ioh0: waiting`), by thread. */
function threadStates(active: Readonly<Record<string, string>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [region, id] of Object.entries(active)) {
    const thread = region.split('.')[0]!;
    const leaf = id.startsWith(`${region}.`) ? id.slice(region.length + 1) : id.slice(id.lastIndexOf('.') + 1);
    out.set(thread, [...(out.get(thread) ?? []), region === thread ? leaf : `${region.slice(thread.length + 1)} ${leaf}`]);
  }
  return out;
}

/** Channels that still count clients, and who points at them (`ioat0.1 (client_count 1; atx0 caches it)`). */
function heldChannels(v: Vars): string[] {
  return Object.entries(v)
    .filter(([k, x]) => k.endsWith('.clientCount') && typeof x === 'number' && x > 0)
    .map(([k, x]) => {
      const chan = k.slice(0, -'.clientCount'.length);
      const by = Object.entries(v)
        .filter(([h, c]) => (h.endsWith('.chan') || h.endsWith('.cached')) && c === chan)
        .map(([h]) => `${h.slice(0, h.lastIndexOf('.'))} ${h.endsWith('.cached') ? 'caches' : 'holds'} it`);
      return `${chan} (client_count ${x}${by.length > 0 ? `; ${by.join(', ')}` : ''})`;
    });
}

/**
 * The closed steps whose guards read another thread's or a shared object's fields, with those
 * fields' values (`ioh0.free: deviceIdleMore reads ioat0.0.clientCount = 1`): what the waiter
 * waits on. A guard reading only its own thread's state is left out (the thread's state says it).
 */
function waitsOn(trace: TraceJson): string[] {
  return (trace.blocked ?? []).flatMap((b) => {
    const own = `${b.thread.replace(/-rx$/, '')}.`;
    const shared = Object.entries(b.reads).filter(([k]) => !k.startsWith(own));
    if (shared.length === 0) return [];
    const fields = shared.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
    return [`${b.event}${b.guard ? ` (${b.guard})` : ''} reads ${fields}`];
  });
}

/** The note for the last step of `trace` (`after`: the variables after it), or undefined for a trace that ends in a violated state. */
export function endNote(trace: TraceJson, after: Vars): string | undefined {
  const last = trace.steps.at(-1);
  if (!last?.active || (trace.end !== 'deadlock' && trace.end !== 'cycle')) return undefined;
  const states = threadStates(last.active);
  const where = (ts: string[]) => [...states].filter(([t]) => ts.includes(t)).map(([t, s]) => `${t} ${s.join(', ')}`);
  const held = heldChannels(after);
  const waits = waitsOn(trace);
  const counts =
    (held.length > 0 ? ` Channels still counted: ${held.join('; ')}.` : '') +
    (waits.length > 0 ? ` Closed steps and the shared fields their guards read: ${waits.join('; ')}.` : '');
  if (trace.end === 'deadlock') {
    return `HANG: no thread has an enabled step, so nothing can change this state: ${where([...states.keys()]).join('; ')}.${counts}`;
  }
  const cycle = trace.steps.slice(trace.loopStart ?? 0);
  const acting = [...new Set(cycle.map((s) => s.thread))];
  const still = [...states.keys()].filter((t) => !acting.includes(t));
  return `NEVER ENDS: steps ${(trace.loopStart ?? 0) + 1}–${trace.steps.length} repeat forever; only ${acting.join(', ')} act in them${still.length > 0 ? `, while ${where(still).join('; ')} never move` : ''}.${counts}`;
}
