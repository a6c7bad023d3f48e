/**
 * The CPU hotplug thread `cpu` of spec/threads.md: take a CPU offline or bring it back,
 * each followed by `dma_channel_rebalance` (the dmaengine CPU notifier). An offline CPU's
 * `ref` keeps its value and the quiescer still sums it.
 * @module
 */
import type { ClientState } from '../clients/client.ts';
import type { DmaEngine } from '../core/dmaengine.ts';
import type { ThreadProgram } from '../core/thread.ts';

/** Step names of the cpu thread. */
export const CPU_STEPS = ['offline', 'online'] as const;

/**
 * The cpu thread: forever offers `offline {cpu}` for each online CPU that is not the last
 * online one and on which no client thread runs (the kernel migrates tasks off first), and
 * `online {cpu}` for each offline CPU. Every point is a proper end.
 */
export function* cpuHotplugProgram(k: DmaEngine, clients: readonly ClientState[]): ThreadProgram {
  const cpus = Array.from({ length: k.cpus }, (_, i) => i);
  for (;;) {
    const choice = yield {
      offers: [
        {
          step: 'offline',
          variants: () =>
            k.cpuOnline.filter(Boolean).length < 2
              ? []
              : cpus.filter((cpu) => k.cpuOnline[cpu] && !clients.some((c) => c.cpu === cpu)).map((cpu) => ({ cpu })),
        },
        { step: 'online', variants: () => cpus.filter((cpu) => !k.cpuOnline[cpu]).map((cpu) => ({ cpu })) },
      ],
      final: true,
    };
    k.setCpuOnline(choice.payload.cpu as number, choice.step === 'online');
  }
}
