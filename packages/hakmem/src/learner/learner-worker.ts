/**
 * Entry of the learner's Worker (built to dist/learner-worker.js). Node worker_threads pass the
 * configuration as workerData; a browser Worker gets it as its first message. Once its loop has
 * taken the learner's role it posts 'ready' to the owner (start.ts).
 */
import { configFor, type WorkerConfig } from './config.js';
import { runLearnerLoop } from './loop.js';

type Wt = { workerData: WorkerConfig; parentPort: { postMessage(m: unknown): void } | null };
const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
const wt = p?.getBuiltinModule?.('node:worker_threads') as Wt | undefined;

if (wt?.workerData) runLearnerLoop(configFor(wt.workerData), () => wt.parentPort?.postMessage('ready'));
else {
  const self = globalThis as unknown as {
    onmessage: ((e: { data: WorkerConfig }) => void) | null;
    postMessage(m: unknown): void;
  };
  self.onmessage = (e) => {
    self.onmessage = null;
    runLearnerLoop(configFor(e.data), () => self.postMessage('ready'));
  };
}
