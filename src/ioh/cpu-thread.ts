/**
 * The CPU hotplug thread `cpu` of spec/threads.md: take a CPU offline or bring it back,
 * each followed by `dma_channel_rebalance` (the dmaengine CPU notifier). An offline CPU's
 * `ref` keeps its value and the quiescer still sums it.
 * @module
 */
import type { ClientState } from '../core/client-state.ts';
import type { DmaEngine } from '../core/dmaengine.ts';
import { at, type ThreadProgram } from '../core/thread.ts';

/** Step names of the cpu thread. */
export const CPU_STEPS = ['offline', 'online', 'notify', 'postDead'] as const;

/**
 * The `cpu` thread: `_cpu_down` (`offline {cpu}`) then the `CPU_POST_DEAD` notifier
 * (`postDead`), or `_cpu_up` (`online {cpu}`, which takes `cpu_hotplug.lock`) then the
 * `CPU_ONLINE` notifier and `cpu_hotplug_done` (`notify`); both notifiers take
 * `dma_list_mutex` and rebalance (machines/system/cpu.ts says why these are the steps).
 */
export function* cpuHotplugProgram(k: DmaEngine, clients: readonly ClientState[]): ThreadProgram {
  const cpus = Array.from({ length: k.cpus }, (_, i) => i);
  const mutexFree = () => k.listMutexFree;
  const waiting = () => `mutex_lock(&dma_list_mutex) in hotcpu_rebalance (held by ${k.listMutexOwner})`;
  for (;;) {
    const choice = yield {
      offers: [
        {
          step: 'offline',
          variants: () =>
            // _cpu_down's take_cpu_down runs under __stop_machine: not while a thread has preemption off.
            k.cpuOnline.filter(Boolean).length < 2 || clients.some((c) => c.preemptOff)
              ? []
              : cpus.filter((cpu) => k.cpuOnline[cpu] && !clients.some((c) => c.cpu === cpu)).map((cpu) => ({ cpu })),
        },
        { step: 'online', variants: () => cpus.filter((cpu) => !k.cpuOnline[cpu]).map((cpu) => ({ cpu })) },
      ],
      final: true,
    };
    const cpu = choice.payload.cpu as number;
    // Only a design on the RFC base has dmaengine's CPU notifier; 3.6 and mainline have none.
    const notifier = k.design.cpuNotifier === true;
    if (choice.step === 'offline') {
      k.setCpuState(cpu, false);
      if (!notifier) continue;
      yield* at('postDead', mutexFree, waiting);
      k.dmaChannelRebalance();
    } else {
      k.setCpuState(cpu, true);
      k.hotplugLocked = true; // cpu_hotplug_begin() until cpu_hotplug_done()
      yield* notifier ? at('notify', mutexFree, waiting) : at('notify');
      if (notifier) k.dmaChannelRebalance();
      k.hotplugLocked = false;
    }
  }
}
