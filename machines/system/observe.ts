/**
 * Maps a system machine state onto spec/observable.ts, the shape the implementation maps
 * onto too; conformance compares the two after every step.
 * @module
 */
import { TABLE_ROWS, type TableRow } from '../../src/table-rows.ts';
import type { Observable } from '../../spec/observable.ts';
import type { ModelView } from '../model.ts';
import type { SystemContext } from './context.ts';
import type { Layout } from './layout.ts';
import { UAF_BY_RX, UAF_BY_THREAD } from './clients.ts';
import { hasWalker, rxThread } from '../../spec/vocabulary.ts';

/** The observable state of a system machine view. */
export function observe(view: ModelView<SystemContext>, model: { readonly layout: Layout; readonly design?: { readonly deviceKref?: string } }): Observable {
  const L = model.layout;
  const ctx = view.context;
  const chanId = (c: number) => (c < 0 ? null : L.channels[c].id);
  const table = {} as Record<TableRow, (string | null)[]>;
  TABLE_ROWS.forEach((cap, i) => (table[cap] = ctx.table[i].map(chanId)));
  const violations: string[] = [];
  const oopsed = (cl: (typeof L.clients)[number]) => hasWalker(cl) && view.active(`${cl.name}.softirq.oopsed`);
  L.clients.forEach((cl, t) =>
    L.channels.forEach((ch, c) => {
      // By the client's own thread, and by its NET_RX softirq (machines/system/clients.ts UAF_BY_RX).
      if (ctx.uaf[t][c] & UAF_BY_THREAD) violations.push(`use-after-free:${cl.name}:${ch.id}`);
      if (ctx.uaf[t][c] & UAF_BY_RX) violations.push(`use-after-free:${rxThread(cl.name)}:${ch.id}`);
    }),
  );
  // A walker that oopsed (machines/system/clients.ts walkAhead): on the channel whose poisoned next it followed.
  L.clients.forEach((cl, t) => {
    if (oopsed(cl)) violations.push(`oops:${rxThread(cl.name)}:${chanId(ctx.threads[t].rcuChan)}`);
  });
  // By an IOH thread's unregister of a device already freed (iohs[h].uaf, machines/system/ioh.ts iohReadsFreed).
  L.iohs.forEach((h, i) =>
    L.channels.forEach((ch, c) => {
      if (ctx.iohs[i].uaf & (1 << c)) violations.push(`use-after-free:${h.name}:${ch.id}`);
    }),
  );
  violations.sort();
  return {
    dmaengineRefCount: ctx.refCount,
    cpuOnline: ctx.cpuOnline.map((x) => x === 1),
    ref: ctx.ref.slice(),
    key: ctx.key === 1,
    dirty: ctx.dirty,
    table,
    devices: L.devices.map((d, i) => ({
      name: d.name,
      listed: ctx.devices[i].listed === 1,
      private: ctx.devices[i].private === 1,
      privatecnt: ctx.devices[i].privatecnt,
      freed: ctx.devices[i].freed === 1,
      ...(model.design?.deviceKref ? { kref: ctx.design.devices[i][model.design.deviceKref] } : {}),
      // One module reference per client_count (spec/observable.ts): derived, no new state.
      module: d.channels.reduce((n, c) => n + ctx.channels[c].clientCount, 0),
    })),
    channels: L.channels.map((ch, i) => ({
      id: ch.id,
      clientCount: ctx.channels[i].clientCount,
      tableCount: ctx.channels[i].tableCount,
      resources: ctx.channels[i].resources === 1,
    })),
    // rcuChan: where the client's dma_issue_pending_all walk stopped (clients.ts walkAhead), -1
    // elsewhere; a walk that oopsed keeps there the channel it came from, but issues nothing.
    threads: L.clients.map((cl, t) => ({
      name: cl.name,
      cpu: ctx.threads[t].cpu,
      chan: chanId(ctx.threads[t].chan),
      issuing: oopsed(cl) ? null : chanId(ctx.threads[t].rcuChan),
    })),
    violations,
  };
}
