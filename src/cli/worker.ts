/**
 * The check worker: runs one `dmaspec` command line in this thread and sends its output,
 * progress and exit status to the main thread (src/cli/worker-host.ts), which reads the
 * interrupt flag's signal into the shared array the searches poll.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { main } from './dispatch.ts';
import type { HostMessage } from './worker-host.ts';

const port = parentPort!;
const send = (m: HostMessage) => port.postMessage(m);
const { argv, interrupt } = workerData as { argv: string[]; interrupt: Int32Array };
const status = await main(argv, {
  out: (s) => send({ t: 'out', s }),
  err: (s) => send({ t: 'err', s }),
  interrupt,
  progress: {
    label: (s) => send({ t: 'label', s }),
    update: (p) => send({ t: 'progress', p }),
    stop: () => send({ t: 'stop' }),
  },
});
send({ t: 'done', status });
