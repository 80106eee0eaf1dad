/**
 * Entry of the learner's Worker (built to dist/learner-worker.js). Node worker_threads pass the
 * configuration as workerData; a browser Worker gets it as its first message.
 */
import { runLearnerLoop } from './loop.js';
import type { WorkerConfig } from './start.js';
import { configFor } from './start.js';

type Wt = { workerData: WorkerConfig };
const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
const wt = p?.getBuiltinModule?.('node:worker_threads') as Wt | undefined;

if (wt?.workerData) runLearnerLoop(configFor(wt.workerData));
else {
  const self = globalThis as unknown as { onmessage: ((e: { data: WorkerConfig }) => void) | null };
  self.onmessage = (e) => {
    self.onmessage = null;
    runLearnerLoop(configFor(e.data));
  };
}
