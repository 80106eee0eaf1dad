/**
 * Creating the learner's Worker: Node's worker_threads, or a browser module Worker, behind one
 * small interface (ready, failed, exited). The browser branch is written in the one form bundlers
 * (Vite, webpack) recognise and bundle with its imports:
 * `new Worker(new URL('./learner-worker.js', import.meta.url), { type: 'module' })`.
 */
import type { WorkerConfig } from './config.js';

export interface SpawnEvents {
  /** the Worker has taken the learner's role (its loop claimed the state region's MODE word) */
  ready(): void;
  /** it cannot start (its script did not load) or it threw */
  failed(e: unknown): void;
  /** Node only: the thread has ended */
  exited(): void;
}

export interface Spawned {
  worker: { terminate(): unknown };
  /** Node only: resolves when the thread has ended; null in browsers (no such event) */
  exited: Promise<void> | null;
}

type NodeWorker = {
  unref(): void;
  on(ev: 'message', f: (m: unknown) => void): void;
  once(ev: 'exit', f: () => void): void;
  once(ev: 'error', f: (e: Error) => void): void;
  terminate(): Promise<number>;
};
type Wt = { Worker: new (url: URL, o: { workerData: WorkerConfig }) => NodeWorker };

type BrowserWorker = {
  addEventListener(ev: 'message' | 'error' | 'messageerror', f: (e: { data?: unknown }) => void): void;
  postMessage(m: unknown): void;
  terminate(): void;
};
declare const Worker: (new (url: URL, o: { type: 'module' }) => BrowserWorker) | undefined;

/**
 * Start the learner's Worker, or null where none can be created. `url` replaces the worker's
 * script in Node (tests); the browser branch always loads the package's own.
 */
export function spawnLearner(cfg: WorkerConfig, on: SpawnEvents, url?: URL): Spawned | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.('node:worker_threads') as Wt | undefined;
  try {
    if (wt) {
      const w = new wt.Worker(url ?? new URL('./learner-worker.js', import.meta.url), { workerData: cfg });
      w.on('message', (m) => {
        if (m === 'ready') on.ready();
      });
      w.unref(); // after the listener, which would otherwise keep the process alive
      w.once('error', (e) => on.failed(e));
      const exited = new Promise<void>((ok) =>
        w.once('exit', () => {
          on.exited();
          ok();
        }),
      );
      return { worker: w, exited };
    }
    if (typeof Worker !== 'undefined') {
      const w = new Worker(new URL('./learner-worker.js', import.meta.url), { type: 'module' });
      w.addEventListener('message', (e) => {
        if (e.data === 'ready') on.ready();
      });
      w.addEventListener('error', (e) => on.failed(e));
      w.addEventListener('messageerror', (e) => on.failed(e));
      w.postMessage(cfg);
      return { worker: w, exited: null };
    }
  } catch {
    // no Worker here, or it cannot be created: the caller runs the learner inline
  }
  return null;
}
