/**
 * Mapping the implementation's state onto the shared {@link Observable} of
 * spec/observable.ts, and a readable diff of two observables for event logs.
 * @module
 */
import type { Observable } from '../../spec/observable.ts';
import type { ClientState } from '../core/client-state.ts';
import type { Ioh } from '../ioh/ioh.ts';
import { TABLE_ROWS, type TableRow } from '../table-rows.ts';
import type { DmaEngine } from '../core/dmaengine.ts';
import { rxThread } from '../../spec/vocabulary.ts';

/** The observable state of kernel `k` with its IOHs and client threads (fields in contract order). */
export function observe(k: DmaEngine, iohs: readonly Ioh[], clients: readonly ClientState[]): Observable {
  const devices = iohs.flatMap((h) => h.devices);
  return {
    dmaengineRefCount: k.dmaengineRefCount,
    cpuOnline: [...k.cpuOnline],
    ref: [...k.ref],
    key: k.key,
    dirty: k.dirty,
    table: Object.fromEntries(TABLE_ROWS.map((cap) => [cap, k.table[cap].map((c) => c?.id ?? null)])) as Record<TableRow, (string | null)[]>,
    devices: devices.map((d) => ({
      name: d.name,
      listed: d.listed,
      private: d.private,
      privatecnt: d.privatecnt,
      freed: d.freed,
      ...(k.design.deviceKref ? { kref: k.design.deviceKref(d) } : {}),
      module: d.owner.refs,
    })),
    channels: devices.flatMap((d) => d.channels.map((c) => ({ id: c.id, clientCount: c.clientCount, tableCount: c.tableCount, resources: c.resources }))),
    threads: clients.map((c) => ({ name: c.name, cpu: c.cpu, chan: c.chan?.id ?? null, issuing: k.issuePendingOf(rxThread(c.name))?.id ?? null })),
    violations: [...k.violations].sort(),
  };
}

const show = (v: unknown): string => (v === null ? 'null' : String(v));

/**
 * What changed from `a` to `b`, one line per variable (`ref[1] 0→1`, `ioat0.0.clientCount
 * 1→0`, `net0.chan ioat0.0→null`, `+violation use-after-free:net0:ioat0.0`).
 */
export function diffObservables(a: Observable, b: Observable): string[] {
  const out: string[] = [];
  const cmp = (name: string, x: unknown, y: unknown) => {
    if (x !== y) out.push(`${name} ${show(x)}→${show(y)}`);
  };
  cmp('dmaengineRefCount', a.dmaengineRefCount, b.dmaengineRefCount);
  b.cpuOnline.forEach((on, i) => cmp(`cpuOnline[${i}]`, a.cpuOnline[i], on));
  b.ref.forEach((r, i) => cmp(`ref[${i}]`, a.ref[i], r));
  cmp('key', a.key, b.key);
  cmp('dirty', a.dirty, b.dirty);
  for (const cap of TABLE_ROWS) b.table[cap].forEach((c, i) => cmp(`table.${cap}[${i}]`, a.table[cap][i], c));
  b.devices.forEach((d, i) => {
    const o = a.devices[i];
    for (const f of ['listed', 'private', 'privatecnt', 'freed', 'kref', 'module'] as const) cmp(`${d.name}.${f}`, o[f], d[f]);
  });
  b.channels.forEach((c, i) => {
    const o = a.channels[i];
    for (const f of ['clientCount', 'tableCount', 'resources'] as const) cmp(`${c.id}.${f}`, o[f], c[f]);
  });
  b.threads.forEach((t, i) => {
    cmp(`${t.name}.cpu`, a.threads[i].cpu, t.cpu);
    cmp(`${t.name}.chan`, a.threads[i].chan, t.chan);
    cmp(`${t.name}.issuing`, a.threads[i].issuing, t.issuing);
  });
  for (const v of b.violations) if (!a.violations.includes(v)) out.push(`+violation ${v}`);
  return out;
}
