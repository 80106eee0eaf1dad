/**
 * Starting and stopping the learner. In its own Worker where one can be started (Node
 * worker_threads, or a browser module Worker), `unref`'d so it never keeps a process alive;
 * otherwise inline, on the owner's event loop between tasks (a timer, every 10 to 50 ms).
 *
 * What runs is decided by one word, the state region's MODE, so that the handle and the stats
 * (which read that word) always agree: the owner sets it STARTING; the Worker's loop takes the
 * learner's role by compareExchange(STARTING -> WORKER) before it touches anything. A Worker that
 * fails to start (its script does not load: a bundle that lost its imports), throws, or has not
 * claimed the word within `startTimeoutMs`, is replaced by the inline learner: the owner's own
 * compareExchange(STARTING -> INLINE) makes sure a Worker that starts after all finds the role
 * taken and returns without consuming. So at most one consumer ever reads the ring.
 */
import { Learner, MODE_INLINE, MODE_STARTING, MODE_WORKER, RING, LEARNER } from '@hakmem/ace-learning';
import { HeapError, HeapErrorCode, shown } from '@hakmem/arena';
import { modeName, type LearnerMode } from '@hakmem/pool-diagnostics';
import { configFor, wordsOf, type WorkerConfig } from './config.js';
import { cpuWord } from './cpu.js';
import { spawnLearner, type Spawned } from './spawn.js';

const badOption = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

export type { WorkerConfig } from './config.js';

/** `startLearner`'s options: where the learner's regions are, and where it runs. */
export interface StartOptions extends WorkerConfig {
  /** 'auto' (default): a Worker, inline if none starts; 'worker': a Worker or none ('stopped'); 'inline' */
  mode?: 'auto' | 'worker' | 'inline';
  /** how long a Worker has to take the learner's role before the learner runs inline instead (default 10 s) */
  startTimeoutMs?: number;
  /** Node only: the Worker's script in place of the package's learner-worker.js (a test seam) */
  workerUrl?: URL;
}

/** A running learner: its mode, and `stop()`. */
export interface LearnerHandle {
  /** What runs now, read from the state region (the stats say the same): 'starting' until a Worker has taken the role or the learner fell back. */
  readonly mode: LearnerMode;
  /**
   * Resolves once the start has settled: 'worker', 'inline' (none could start, or it failed), or
   * 'stopped'. Like the learner, it does not keep a Node process alive.
   */
  readonly started: Promise<LearnerMode>;
  /** Ask the learner to stop; resolves once it has (a worker that does not stop in 2 s is terminated). */
  stop(): Promise<void>;
  /** The learner's Worker while one runs or starts (to terminate it: the allocator does not need it). */
  readonly worker: { terminate(): unknown } | null;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
/** The inline learner's naps between steps (ms), and the events a step should find (few: longer naps, many: shorter). */
const INLINE_MIN_MS = 10;
const INLINE_MAX_MS = 50;
const INLINE_FEW = 64;
const INLINE_MANY = 256;

/** Options that cannot work throw here, on the caller's thread, not later in the learner's Worker. */
function checkStart(o: StartOptions): void {
  if (o === null || typeof o !== 'object') throw badOption('startLearner needs an options object');
  if (!(o.buffer instanceof SharedArrayBuffer)) throw badOption('buffer must be a SharedArrayBuffer');
  const words = Math.floor(Math.min(o.buffer.byteLength, 2 ** 32) / 4);
  for (const k of ['ring', 'policy', 'state'] as const) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= words) throw badOption(`${k} ${shown(v)} is not a word index of the buffer`);
  }
  if (!Array.isArray(o.classSizes) || !Array.isArray(o.defaults) || o.defaults.length !== o.classSizes.length) {
    throw badOption('classSizes and defaults must be arrays of one entry per class');
  }
  if (o.mode !== undefined && o.mode !== 'auto' && o.mode !== 'worker' && o.mode !== 'inline') {
    throw badOption(`mode ${shown(o.mode)} must be auto, worker or inline`);
  }
  const t = o.startTimeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !(t >= 0 && t <= 2 ** 31 - 1))) throw badOption(`startTimeoutMs ${shown(t)} must be a number of ms`);
}

/** Start the learner on a heap's ring, policy and state regions: in a Worker, or inline on this thread. */
export function startLearner(o: StartOptions): LearnerHandle {
  checkStart(o);
  const { mode = 'auto', startTimeoutMs = DEFAULT_START_TIMEOUT_MS, workerUrl, ...cfg } = o;
  const i32 = wordsOf(cfg.buffer);
  Atomics.store(i32, cfg.state + LEARNER.STOP, 0);
  const h = new Handle(cfg, i32, mode === 'auto');
  if (mode === 'inline' || !h.spawn(startTimeoutMs, workerUrl)) {
    if (mode === 'worker') throw new Error('the learner cannot start a Worker here');
    h.runInline();
  }
  return h;
}

class Handle implements LearnerHandle {
  readonly started: Promise<LearnerMode>;
  private settle!: (m: LearnerMode) => void;
  private spawned: Spawned | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inline: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly cfg: WorkerConfig,
    private readonly i32: Int32Array,
    private readonly fallBack: boolean,
  ) {
    this.started = new Promise((ok) => {
      this.settle = ok;
    });
  }

  get mode(): LearnerMode {
    return modeName(Atomics.load(this.i32, this.cfg.state + LEARNER.MODE));
  }

  get worker(): { terminate(): unknown } | null {
    const s = this.spawned;
    if (!s || this.inline) return null;
    return {
      terminate: () => {
        // whoever ends the Worker, running or starting, stops the learner (no fallback: it was asked)
        const w = this.cfg.state + LEARNER.MODE;
        if (Atomics.compareExchange(this.i32, w, MODE_STARTING, 0) !== MODE_STARTING) Atomics.compareExchange(this.i32, w, MODE_WORKER, 0);
        this.settleOnce();
        return s.worker.terminate();
      },
    };
  }

  /** Create the Worker and wait for its claim; false where none can be created. */
  spawn(timeoutMs: number, url?: URL): boolean {
    const w = this.cfg.state + LEARNER.MODE;
    Atomics.store(this.i32, w, MODE_STARTING);
    this.spawned = spawnLearner(this.cfg, {
      ready: () => this.settleOnce(),
      failed: () => this.failed(),
      exited: () => {
        // ended before taking the role: it could not start; after: whoever ended it stopped the learner
        if (Atomics.load(this.i32, w) === MODE_STARTING) this.failed();
        else Atomics.compareExchange(this.i32, w, MODE_WORKER, 0);
      },
    }, url);
    if (!this.spawned) {
      Atomics.store(this.i32, w, 0);
      return false;
    }
    this.timer = setTimeout(() => {
      if (Atomics.load(this.i32, w) === MODE_STARTING) this.failed();
      else this.settleOnce();
    }, timeoutMs);
    (this.timer as { unref?: () => void }).unref?.();
    return true;
  }

  /** The Worker cannot start, failed, or is too slow: the inline learner takes over (in 'auto' mode). */
  private failed(): void {
    if (this.stopped || this.inline) return;
    const w = this.cfg.state + LEARNER.MODE;
    // STARTING: it never took the role; WORKER: it took it, then threw out of its loop
    const was = Atomics.load(this.i32, w);
    if (was !== MODE_STARTING && was !== MODE_WORKER) return;
    if (Atomics.compareExchange(this.i32, w, was, this.fallBack ? MODE_INLINE : 0) !== was) {
      this.settleOnce(); // it took the role just now (a start slower than the timeout): it runs
      return;
    }
    void this.spawned?.worker.terminate();
    if (this.fallBack) this.runInline(true);
    this.settleOnce();
  }

  private settleOnce(): void {
    clearTimeout(this.timer);
    this.settle(this.mode);
  }

  /** The learner on this thread's event loop: a step now, then every 10 to 50 ms (fewer while few events come). */
  runInline(claimed = false): void {
    const { cfg, i32 } = this;
    if (!claimed) Atomics.store(i32, cfg.state + LEARNER.MODE, MODE_INLINE);
    const learner = new Learner(configFor(cfg));
    let busyMs = 0;
    let nap = INLINE_MIN_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = (): number => {
      Atomics.add(i32, cfg.state + LEARNER.HEARTBEAT, 1);
      const t = performance.now();
      const n = learner.step();
      busyMs += performance.now() - t;
      Atomics.store(i32, cfg.state + LEARNER.CPU, cpuWord(busyMs)); // time spent learning, on this thread
      return n;
    };
    // a step that finds few events doubles the nap, one that finds many halves it (as the Worker's loop)
    const later = () => {
      const n = step();
      nap = n > INLINE_MANY ? Math.max(INLINE_MIN_MS, nap / 2) : n < INLINE_FEW ? Math.min(INLINE_MAX_MS, 2 * nap) : nap;
      timer = setTimeout(later, nap);
      (timer as { unref?: () => void }).unref?.();
    };
    step(); // what waits in the ring now: the owner may not yield again for a while
    timer = setTimeout(later, nap);
    (timer as { unref?: () => void }).unref?.();
    this.inline = () => {
      clearTimeout(timer);
      learner.step();
    };
    this.settleOnce();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const { cfg, i32 } = this;
    if (this.inline) this.inline();
    else if (this.spawned) {
      Atomics.store(i32, cfg.state + LEARNER.STOP, 1);
      Atomics.compareExchange(i32, cfg.state + LEARNER.MODE, MODE_STARTING, 0); // a Worker still starting finds the role gone
      Atomics.notify(i32, cfg.ring + RING.TAIL);
      const { worker, exited } = this.spawned;
      if (exited) await within(exited, 2000, () => worker.terminate());
      else worker.terminate();
    }
    Atomics.store(i32, cfg.state + LEARNER.MODE, 0);
    this.settleOnce();
  }
}

/** Wait for `p`, at most `ms`; then `late()`. */
async function within(p: Promise<void>, ms: number, late: () => unknown): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<void>((ok) => {
    timer = setTimeout(() => {
      late();
      ok();
    }, ms);
  });
  await Promise.race([p, t]);
  clearTimeout(timer);
}
