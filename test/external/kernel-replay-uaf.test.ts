/**
 * The harness traps an access to freed memory and names it as the model names a violation:
 * on 3.6 baseline, net0 finds ioat0's channel and the device is unregistered; net0's use
 * (dma_async_memcpy_buf_to_pg) touches freed memory twice over: after unregister's channel
 * loop freed chan->local (free_percpu, dmaengine.c:851), its `__this_cpu_add(chan->local->…)`
 * (:941); after the driver's free too, its device_prep_dma_memcpy on the freed channel
 * (:92x). Each path as exported passes (the model records use-after-free:net0:ioat0.0 too);
 * with that violation taken out of the expected state the replay fails at that step, showing
 * the kernel's violation and the kernel line of the access. Needs gcc.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildHarness, buildsFor } from '../../src/kernel/build.ts';
import { readTree } from '../../src/kernel/tree.ts';
import { targetNamed } from '../../src/mbt/adapters/index.ts';
import { exportLines } from '../../src/mbt/export.ts';
import { oracleTrees } from './kernel-ci-plan.ts';

const VIOLATION = 'use-after-free:net0:ioat0.0';

type Step = { event: { type: string }; observable: { violations: string[]; devices: { freed: boolean }[] } };

/** The two frees net0's copy can meet, and the kernel line its first access to freed memory is at. */
const CASES = [
  { what: "unregister's free_percpu(chan->local), before the driver's free", deviceFreed: false, line: /dma_async_memcpy_buf_to_pg\n.*dmaengine\.c:94[12]/ },
  { what: "the driver's free of the channel", deviceFreed: true, line: /dma_async_memcpy_buf_to_pg\n.*dmaengine\.c:92\d/ },
];

/** The small system scenario's export under baseline, made once for both cases (it is most of the file's time). */
let exported: string[] | undefined;
function smallExport(): string[] {
  const target = targetNamed('system');
  exported ??= [
    ...exportLines(target, target.build({ ...target.entry.smallScenario, design: 'baseline' }), { paths: 'both', limit: 100_000, includeInternals: false }),
  ];
  return exported;
}

describe('use after free on the real kernel', () => {
  for (const c of CASES)
    it(`is trapped, named like the model’s violation, and placed at the kernel line: ${c.what}`, () => {
      const oracle = oracleTrees();
      if (typeof oracle === 'string') throw new Error(oracle);
      const tree = readTree(oracle.trees.find((t) => t.endsWith('linux-3.6'))!);
      const built = buildHarness(tree, buildsFor(tree, undefined)[0]);
      const lines = smallExport();
      // The first path whose net0.use is where the model records the violation, ioat0 freed or not.
      const found = lines.slice(1).flatMap((line) => {
        if (!line.startsWith('{"kind":"path"')) return [];
        const path = JSON.parse(line) as { id: number; steps: Step[] };
        const i = path.steps.findIndex((s) => s.event.type === 'net0.use' && s.observable.violations.includes(VIOLATION));
        return i >= 0 &&
          (i === 0 || !path.steps[i - 1].observable.violations.includes(VIOLATION)) &&
          path.steps[i].observable.devices[0].freed === c.deviceFreed
          ? [{ path, i }]
          : [];
      })[0];
      expect(found).toBeDefined();
      const replay = (path: unknown) => {
        const r = spawnSync(built.binary, { input: `${lines[0]}${JSON.stringify(path)}\n`, encoding: 'utf8' });
        expect(r.status).toBe(0);
        return JSON.parse(r.stdout.split('\n')[0]) as {
          ok: boolean;
          step: number;
          field: string;
          actual: string[];
          faults: { thread: string; object: string; pc: string }[];
        };
      };
      expect(replay(found.path).ok).toBe(true);
      const blind = {
        ...found.path,
        steps: found.path.steps.map((s) => ({ ...s, observable: { ...s.observable, violations: s.observable.violations.filter((v) => v !== VIOLATION) } })),
      };
      const r = replay(blind);
      expect(r).toMatchObject({ ok: false, step: found.i, field: 'violations' });
      expect(r.actual).toContain(VIOLATION);
      expect(r.faults.map((f) => `${f.thread} ${f.object}`)).toContain('net0 ioat0.0');
      const where = spawnSync('addr2line', ['-f', '-i', '-e', built.binary, r.faults.find((f) => f.object === 'ioat0.0')!.pc], { encoding: 'utf8' }).stdout;
      expect(where).toMatch(c.line);
    });
});
