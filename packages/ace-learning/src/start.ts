/**
 * Starting and stopping the learner. In its own Worker where one can be started (Node
 * worker_threads, or a browser module Worker), `unref`'d so it never keeps a process alive;
 * otherwise inline, on the owner's event loop between tasks (a 10 ms timer).
 */
import { Learner, type LearnerConfig } from './learner.js';
import { R } from './ring.js';
import { cpuWord, MODE_INLINE, ST } from './state.js';
import type { RewardModel } from './reward.js';

/** Everything the learner needs, structured-clonable (it travels to the Worker). */
export interface WorkerConfig {
  buffer: SharedArrayBuffer;
  ring: number;
  policy: number;
  state: number;
  classSizes: number[];
  defaults: number[];
  arms?: number[];
  maxRefillBytes?: number;
  maxCounts?: number[];
  reward?: Partial<RewardModel>;
  decideEvery?: number;
  gamma?: number;
}

/** `startLearner`'s options: where the learner's regions are, and where it runs. */
export interface StartOptions extends WorkerConfig {
  /** 'auto' (default): a Worker, inline if none can be started */
  mode?: 'auto' | 'worker' | 'inline';
}

/** A running learner: its mode, and `stop()`. */
export interface LearnerHandle {
  readonly mode: 'worker' | 'inline';
  /** Ask the learner to stop; resolves once it has (a worker that does not stop in 2 s is terminated). */
  stop(): Promise<void>;
  /** The learner's Worker, if it runs in one (to terminate it: the allocator does not need it). */
  readonly worker: { terminate(): unknown } | null;
}

export function configFor(w: WorkerConfig): LearnerConfig {
  return { ...w, i32: new Int32Array(w.buffer, 0, w.buffer.byteLength >>> 2) };
}

type NodeWorker = {
  unref(): void;
  once(ev: 'exit', f: () => void): void;
  once(ev: 'error', f: (e: Error) => void): void;
  terminate(): Promise<number>;
};
type Wt = { Worker: new (url: URL, o: { workerData: WorkerConfig }) => NodeWorker };

/** Start a learner, in a Worker of its own or inline on this thread's event loop (`mode`). */
export function startLearner(o: StartOptions): LearnerHandle {
  const { mode = 'auto', ...cfg } = o;
  const i32 = new Int32Array(cfg.buffer, 0, cfg.buffer.byteLength >>> 2);
  Atomics.store(i32, cfg.state + ST.STOP, 0);
  if (mode !== 'inline') {
    const h = startWorker(cfg, i32);
    if (h) return h;
    if (mode === 'worker') throw new Error('the learner cannot start a Worker here');
  }
  return startInline(cfg, i32);
}

const WORKER_URL = new URL('./learner-worker.js', import.meta.url);

function startWorker(cfg: WorkerConfig, i32: Int32Array): LearnerHandle | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.('node:worker_threads') as Wt | undefined;
  try {
    if (wt) {
      const w = new wt.Worker(WORKER_URL, { workerData: cfg });
      w.unref();
      const exited = new Promise<void>((ok) => w.once('exit', ok));
      w.once('error', () => {}); // a learner that fails leaves the allocator on its last policy
      return { mode: 'worker', worker: w, stop: () => stopWorker(i32, cfg, exited, () => w.terminate()) };
    }
    const W = (globalThis as { Worker?: new (u: URL, o: { type: 'module' }) => { postMessage(m: unknown): void; terminate(): void } }).Worker;
    if (W) {
      const w = new W(WORKER_URL, { type: 'module' });
      w.postMessage(cfg);
      return {
        mode: 'worker', worker: w,
        stop: async () => {
          Atomics.store(i32, cfg.state + ST.STOP, 1);
          Atomics.notify(i32, cfg.ring + R.TAIL);
          w.terminate();
        },
      };
    }
  } catch {
    // no Worker here (or its script cannot load): inline
  }
  return null;
}

async function stopWorker(i32: Int32Array, cfg: WorkerConfig, exited: Promise<void>, kill: () => unknown): Promise<void> {
  Atomics.store(i32, cfg.state + ST.STOP, 1);
  Atomics.notify(i32, cfg.ring + R.TAIL);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((ok) => {
    timer = setTimeout(() => {
      kill();
      ok();
    }, 2000);
  });
  await Promise.race([exited, late]);
  clearTimeout(timer);
}

function startInline(cfg: WorkerConfig, i32: Int32Array): LearnerHandle {
  const learner = new Learner(configFor(cfg));
  Atomics.store(i32, cfg.state + ST.MODE, MODE_INLINE);
  let busyMs = 0;
  const timer = setInterval(() => {
    Atomics.add(i32, cfg.state + ST.HEARTBEAT, 1);
    const t = performance.now();
    learner.step();
    busyMs += performance.now() - t;
    Atomics.store(i32, cfg.state + ST.CPU, cpuWord(busyMs)); // time spent learning, on this thread
  }, 10);
  (timer as { unref?: () => void }).unref?.();
  return {
    mode: 'inline', worker: null,
    stop: async () => {
      clearInterval(timer);
      learner.step();
      Atomics.store(i32, cfg.state + ST.MODE, 0);
    },
  };
}
