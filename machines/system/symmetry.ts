/**
 * Symmetry of the system machine for the checker's reduction: identical clients, and CPUs
 * once nothing can tell them apart any more.
 *
 * CPUs are NOT interchangeable while a device is listed (`dma_channel_rebalance` hands out
 * channels in CPU order) or while a quiesce may still run (the reader sums CPU 0, 1, … in
 * order, and which CPU is read first decides whether a false-zero sum is possible). Until
 * every device is off the list and quiesced or freed, each CPU gets its own label; after
 * that, CPUs differ only by the IOH sockets they belong to.
 * @module
 */
import type { Symmetry } from '../model.ts';
import type { SystemContext } from './context.ts';
import type { Layout } from './layout.ts';
import { listOf } from '../../src/lookup.ts';

/**
 * Thread names in groups of clients identical but for name and start CPU. The key is every
 * other field of the client (an absent flag equal to false), not a hand-kept list: a list
 * that missed `releasesEarly` once made an early releaser interchangeable with a
 * well-behaved client, an unsound reduction the trace rebuild then hit.
 */
export function threadGroups(L: Layout): string[][] {
  const groups = new Map<string, string[]>();
  // Start CPU and scenario index are what group members may differ in.
  for (const { name, cpu: _cpu, index: _index, ...rest } of L.clients) {
    const key = JSON.stringify(
      Object.entries(rest)
        .filter(([, v]) => v !== undefined && v !== false)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    listOf(groups, key).push(name);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The symmetry facts of a system machine built from layout `L`. */
export function systemSymmetry(L: Layout): Symmetry<SystemContext> {
  const socketLabel = Array.from({ length: L.cpus }, (_, cpu) => L.iohs.reduce((m, h, i) => (h.socketCpus.includes(cpu) ? m | (1 << i) : m), 0));
  const distinct = Array.from({ length: L.cpus }, (_, cpu) => (1 << 16) + cpu);
  const move = <T>(xs: T[], perm: ArrayLike<number>) => {
    const old = xs.slice();
    for (let i = 0; i < old.length; i++) xs[perm[i]] = old[i];
  };
  return {
    cpus: L.cpus,
    threadGroups: threadGroups(L),
    cpuClasses(ctx) {
      const settled = ctx.devices.every((d) => !d.listed && (d.quiesced === 1 || d.freed === 1));
      return settled ? socketLabel : distinct;
    },
    permuteCpus(draft, perm) {
      move(draft.cpuOnline, perm);
      move(draft.ref, perm);
      for (const row of draft.design.deviceCpus) move(row, perm);
      for (const row of draft.table) move(row, perm);
      for (const th of draft.threads) th.cpu = perm[th.cpu];
    },
    swapThreads(draft, a, b) {
      [draft.threads[a], draft.threads[b]] = [draft.threads[b], draft.threads[a]];
      [draft.uaf[a], draft.uaf[b]] = [draft.uaf[b], draft.uaf[a]];
      [draft.design.threads[a], draft.design.threads[b]] = [draft.design.threads[b], draft.design.threads[a]];
    },
  };
}
