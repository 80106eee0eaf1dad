/**
 * A larson worker (node:worker_threads), started by ./child.ts on the BUILT file (dist/larson/
 * worker.js; a Worker cannot start on .ts under Node 20). It attaches to the allocator, says it is
 * ready, waits for the start, then runs generations:
 *   respawn: exactly one generation on its range (a new Worker per generation, as larson starts a
 *            new thread per generation);
 *   handoff: long-lived; at step k it runs range (index + k) mod workers, once that range's step
 *            k - 1 is done (by the next worker in the ring), so the ranges rotate between workers
 *            at every generation boundary.
 * Then it reports that it finished and gives its share of the allocator back (detach).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pinThisThread } from '../report/pin.js';
import { generationIters, type LarsonParams } from './params.js';
import { generationId } from './reference.js';
import { loadLarsonRunner } from './load.js';
import { newTags } from './runner.js';
import {
  C_GO, C_NEXT_ID, C_RUNNING, F_FAILED, F_GENERATIONS, F_ITERS, F_V_ALLOCS, F_V_BAD, F_V_CROSS, F_V_FREES, F_V_OLDER,
  LarsonShared,
} from './shared.js';

export interface WorkerInit {
  runner: string;
  share: unknown;
  sab: SharedArrayBuffer;
  params: LarsonParams;
  variant: 'respawn' | 'handoff';
  /** respawn: the range */
  range: number;
  /** handoff: this worker's place in the ring, and the ring's size */
  index: number;
  workers: number;
  /** fixed mode: generations per range (0: until the stop flag) */
  generations: number;
  verify: boolean;
  /** handoff: pin this worker's thread to this CPU before it reports ready (../report/pin.ts) */
  cpu?: number;
}

export interface WorkerDone {
  type: 'done';
  range: number;
  stopped: boolean;
  /** smo: frees the allocator refused */
  refused: number;
  /** bytes this worker's caches held when it finished (runners with cachedBytes), else 0 */
  cached: number;
  /** the CPUs its thread could run on once pinned (`cpu`), null if pinning failed */
  pinned?: string | null;
}

const d = workerData as WorkerInit;
const p = d.params;
const L = new LarsonShared(d.sab, p);
const ctrl = L.ctrl;
let counted = true; // this worker is in C_RUNNING until it says otherwise
try {
  await run();
} finally {
  if (counted) {
    Atomics.sub(ctrl, C_RUNNING, 1);
    Atomics.notify(ctrl, C_RUNNING);
  }
}

async function run(): Promise<void> {
  const runner = await loadLarsonRunner(d.runner);
  const s = await runner.attach(d.share, L, p);
  // Empty generations (no iteration: the RNG and the slots are left as they are) run the code after
  // the loop, so that it has type feedback: otherwise TurboFan compiles it without any and every
  // generation deoptimizes at its end (--trace-deopt: 200 of 400). 64 calls: V8 allocates a
  // function's feedback only after its first few calls.
  for (let k = 0; k < 64; k++) runner.generation(s, 0, 0);
  const tags = newTags(d.variant === 'handoff' ? 1 + d.index : Atomics.add(ctrl, C_NEXT_ID, 1));
  if (d.verify) runner.instrument(s, tags);
  let refused = 0;

  /** One generation on range r; returns whether the stop flag was set when it ended. */
  const runGeneration = (r: number): boolean => {
    const gi = L.f(r, F_GENERATIONS);
    const k = L.f64[gi];
    tags.gen = generationId(p, r, k);
    // the range's lran2 state stays in the shared block: the loop uses it in place
    const done = runner.generation(s, r, generationIters(p));
    const f = L.f64;
    f[L.f(r, F_ITERS)] += done;
    f[L.f(r, F_FAILED)] += s.failed;
    f[gi] = k + 1;
    refused += s.refused;
    if (d.verify) {
      f[L.f(r, F_V_ALLOCS)] += tags.allocs;
      f[L.f(r, F_V_FREES)] += tags.frees;
      f[L.f(r, F_V_OLDER)] += tags.older;
      f[L.f(r, F_V_CROSS)] += tags.cross;
      f[L.f(r, F_V_BAD)] += tags.bad;
      tags.allocs = tags.frees = tags.older = tags.cross = tags.bad = 0;
    }
    return L.stopped();
  };

  /** handoff: wait until range r has completed `k` generations; false when stopped meanwhile. */
  const waitFor = (r: number, k: number): boolean => {
    const gi = L.genIndex(r);
    for (let spins = 0; ; spins++) {
      const g = Atomics.load(ctrl, gi);
      if (g === k) return !L.stopped();
      if (L.stopped()) return false;
      if (spins > 2000) Atomics.wait(ctrl, gi, g, 5);
    }
  };

  const pinned = d.cpu === undefined ? undefined : pinThisThread(d.cpu);
  parentPort?.postMessage({ type: 'ready' });
  while (Atomics.load(ctrl, C_GO) === 0) Atomics.wait(ctrl, C_GO, 0);

  let stopped = false;
  if (d.variant === 'respawn') {
    // larson.cpp: a thread that starts after the stop flag returns at once
    stopped = L.stopped() || runGeneration(d.range);
  } else {
    const W = d.workers;
    for (let k = 0; d.generations === 0 || k < d.generations; k++) {
      const r = (d.index + k) % W;
      if (r >= p.threads) {
        // more workers than ranges (1 thread: 2 workers alternate): nothing this step
        if (L.stopped()) break;
        continue;
      }
      if (!waitFor(r, k)) break;
      stopped = runGeneration(r);
      Atomics.store(ctrl, L.genIndex(r), k + 1);
      Atomics.notify(ctrl, L.genIndex(r));
      if (stopped) break;
    }
    stopped = stopped || L.stopped();
  }

  // Finished (larson.cpp's `finished = TRUE`): the main thread's clock may stop, and respawn's
  // successor may start. Then the worker gives its share of the allocator back, untimed, as a
  // native thread's allocator cleanup runs at thread exit after `finished`.
  counted = false;
  Atomics.sub(ctrl, C_RUNNING, 1);
  Atomics.notify(ctrl, C_RUNNING);
  const done: WorkerDone = { type: 'done', range: d.range, stopped, refused, cached: runner.cachedBytes?.(s) ?? 0, ...(pinned !== undefined ? { pinned } : {}) };
  parentPort?.postMessage(done);
  runner.detach(s);
  parentPort?.postMessage({ type: 'detached' });
}
