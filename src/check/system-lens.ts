/**
 * How counterexamples of the system machine read: the variables of spec/observable.ts with
 * the names of spec/threads.md (`dmaengineRefCount`, `ref[1]`, `table.memcpy[0]`,
 * `ioat0.listed`, `ioat0.0.clientCount`, `net0.chan`, `violations`), the quiescer's loop
 * variables (`ioh0.quiesce.next`, `.sum`, `.count`), plus each thread's
 * statechart state (`ioh0@` = `quiesce.reading`), and the CPU each client runs on.
 * @module
 */
import type { SystemContext, SystemModel } from '../../machines/system/index.ts';
import { designVariablesOf, observe } from '../../machines/system/index.ts';
import type { ModelView } from '../../machines/model.ts';
import type { DesignVariable } from '../../machines/system/design.ts';
import type { Observable } from '../../spec/observable.ts';
import type { CompiledMachine } from './engine/compile.ts';
import type { RowView } from './engine/compile.ts';
import type { TraceLens } from './engine/trace.ts';

/** Flat, readable variables of an observable, in the order of spec/observable.ts. */
export function flattenObservable(o: Observable): Record<string, unknown> {
  const out: Record<string, unknown> = { dmaengineRefCount: o.dmaengineRefCount };
  o.cpuOnline.forEach((v, i) => (out[`cpuOnline[${i}]`] = v));
  o.ref.forEach((v, i) => (out[`ref[${i}]`] = v));
  out.key = o.key;
  out.dirty = o.dirty;
  for (const [cap, row] of Object.entries(o.table)) row.forEach((v, i) => (out[`table.${cap}[${i}]`] = v));
  for (const d of o.devices) {
    out[`${d.name}.listed`] = d.listed;
    out[`${d.name}.private`] = d.private;
    out[`${d.name}.privatecnt`] = d.privatecnt;
    out[`${d.name}.freed`] = d.freed;
    if (d.kref !== undefined) out[`${d.name}.kref`] = d.kref;
  }
  for (const c of o.channels) {
    out[`${c.id}.clientCount`] = c.clientCount;
    out[`${c.id}.tableCount`] = c.tableCount;
    out[`${c.id}.resources`] = c.resources;
  }
  for (const t of o.threads) {
    out[`${t.name}.cpu`] = t.cpu;
    out[`${t.name}.chan`] = t.chan;
  }
  out.violations = o.violations;
  return out;
}

/**
 * The design's own variables under stable names: `<thread>.<var>` per client thread,
 * `<device>.<var>` per device, `design.<var>` for a scalar; a 0..1 variable as a boolean.
 * Per-device-per-CPU variables are not listed: percpu-ref's counts show in the observable's
 * `ref[cpu]`, their sum over devices (a follow-up may list them, at the cost of longer traces).
 */
export function designVariables(model: SystemModel, ctx: SystemContext): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  const vars = designVariablesOf(model.design);
  const shown = (decl: Readonly<Record<string, DesignVariable>> | undefined, prefix: string, values: Record<string, number>) => {
    for (const [k, v] of Object.entries(decl ?? {})) out[`${prefix}.${k}`] = v.min === 0 && v.max === 1 ? values[k] === 1 : values[k];
  };
  shown(vars.global, 'design', ctx.design.global);
  model.layout.clients.forEach((c, t) => shown(vars.perThread, c.name, ctx.design.threads[t]));
  model.layout.devices.forEach((d, i) => shown(vars.perDevice, d.name, ctx.design.devices[i]));
  return out;
}

/** The trace lens of a system machine. */
export function systemLens(model: SystemModel, cm: CompiledMachine<SystemContext>): TraceLens<SystemContext> {
  return {
    observe: (view) => observe(view, model),
    variables(view: ModelView<SystemContext>) {
      const out = flattenObservable(observe(view, model));
      // The quiescer's private loop variables are no observable state, but a reader of a
      // false-zero trace needs to see each per-CPU read add to the sum and the count grow.
      model.layout.iohs.forEach((h, i) => {
        const q = view.context.iohs[i];
        out[`${h.name}.quiesce.next`] = q.next;
        out[`${h.name}.quiesce.sum`] = q.sum;
        out[`${h.name}.quiesce.count`] = q.count;
      });
      // Client state the observable leaves out, but a reader of a use-after-free trace
      // needs: async_tx's cached pointer, and whether the device's protection ended.
      const L = model.layout;
      L.clients.forEach((c, t) => {
        if (c.kind === 'async_tx') out[`${c.name}.cached`] = view.context.threads[t].cached < 0 ? null : L.channels[view.context.threads[t].cached].id;
      });
      L.devices.forEach((d, i) => (out[`${d.name}.quiesced`] = view.context.devices[i].quiesced === 1));
      // chan->local, which unregister's channel loop frees before the driver's free (net_dma writes it).
      L.channels.forEach((c, i) => (out[`${c.id}.local`] = view.context.channels[i].local === 1));
      Object.assign(out, designVariables(model, view.context));
      const row = (view as RowView<SystemContext>).row;
      cm.regions.forEach((r, i) => (out[`${r.key}@`] = r.leafPaths[row[i]]));
      return out;
    },
    fieldName(path) {
      // Context arrays by index are named as the trace names their owners.
      const L = model.layout;
      const names: Record<string, readonly { readonly name?: string; readonly id?: string }[]> = {
        'design.threads': L.clients,
        'design.devices': L.devices,
        threads: L.clients,
        channels: L.channels,
        devices: L.devices,
        iohs: L.iohs,
      };
      const m = /^((?:design\.)?[a-z]+)\[(\d+)\](.*)$/.exec(path);
      if (!m) return path;
      const owner = names[m[1]]?.[Number(m[2])];
      return owner ? `${owner.id ?? owner.name}${m[3]}` : path;
    },
    threadCpu(view, thread) {
      const i = model.layout.clients.findIndex((c) => c.name === thread);
      return i < 0 ? null : view.context.threads[i].cpu;
    },
  };
}
