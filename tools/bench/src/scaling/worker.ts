/**
 * A scaling worker: random-mixed with the runner's own loop function (src/random-mixed/runners/),
 * on its own slots with its own seed. hakmem: on its own slot of the one shared heap
 * (attachHeap); the limit: its own bare freelist over its own SharedArrayBuffer.
 * Warm-up and prefault untimed, then it waits at the start line; the timed region is the main
 * loop plus the drain, as in random-mixed.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { pinThisThread } from '../report/pin.js';
import { attachHeap, type Heap } from 'hakmem';
import { type MixedCounts, type MixedParams, phaseCounts, prefaultCycles, prefaultSeed } from '../random-mixed/params.js';
import { WARMUP_ROUNDS, type MixedRunner } from '../random-mixed/runner.js';
import type { HakmemInst } from '../random-mixed/runners/hakmem.js';
import { S_DONE, S_GO, S_READY } from './params.js';

export interface ScalingWorkerInit {
  runner: 'hakmem' | 'limit';
  params: MixedParams;
  index: number;
  ctrl: SharedArrayBuffer;
  /** hakmem: the heap's handle */
  handle?: unknown;
  verify: boolean;
  /** pin this worker's thread to this CPU before it reports ready (../report/pin.ts) */
  cpu?: number;
}

export interface ScalingWorkerResult {
  type: 'result';
  index: number;
  seed: number;
  seconds: number;
  counts: MixedCounts;
  /** the limit: its own memory words after the drain (its bump pointer only grows) */
  peaks?: Record<string, number>;
  /** the CPUs its thread could run on once pinned (`cpu`), null if pinning failed */
  pinned?: string | null;
}

const d = workerData as ScalingWorkerInit;
const ctrl = new Int32Array(d.ctrl);
const p = d.params;

async function main(): Promise<void> {
  let runner: MixedRunner<unknown>;
  let inst: unknown;
  let heap: Heap | undefined;
  if (d.runner === 'hakmem') {
    heap = attachHeap(d.handle as Heap['handle']) as Heap; // createHeap in ./child.ts: headered
    runner = (await import('../random-mixed/runners/hakmem.js')).runner as MixedRunner<unknown>;
    // the shape runners/hakmem.ts's create() builds, over this worker's slot of the shared heap
    const h: HakmemInst = { heap, ops: heap, u8: heap.u8, slots: new Int32Array(p.ws), ws: p.ws, min: p.min, max: p.max };
    inst = h;
  } else {
    runner = (await import('../random-mixed/runners/limit.js')).runner as MixedRunner<unknown>;
    inst = runner.create(p);
  }
  // warm-up as random-mixed's measureMixed does it: the protocol at a tenth, WARMUP_ROUNDS times
  // (hakmem: on the shared heap itself, drained each time; the limit: on throwaway instances)
  const wc = Math.floor(p.cycles / 10);
  for (let k = 0; wc > 0 && k < WARMUP_ROUNDS; k++) {
    const w = d.runner === 'hakmem' ? inst : runner.create(p);
    runner.loop(w, prefaultSeed(p.seed), prefaultCycles(wc));
    runner.loop(w, p.seed, wc);
    runner.drain(w);
  }
  const pn = prefaultCycles(p.cycles);
  const pfailed = runner.loop(inst, prefaultSeed(p.seed), pn);
  const live0 = runner.live(inst);
  const fp0 = d.verify ? runner.fingerprint(inst) : 0;

  const pinned = d.cpu === undefined ? undefined : pinThisThread(d.cpu);
  Atomics.add(ctrl, S_READY, 1);
  Atomics.notify(ctrl, S_READY);
  while (Atomics.load(ctrl, S_GO) === 0) Atomics.wait(ctrl, S_GO, 0);

  let mfailed: number;
  let live1: number;
  let fp1 = 0;
  let drained: number;
  let t0: number;
  let t1: number;
  if (d.verify) {
    t0 = performance.now();
    mfailed = runner.loop(inst, p.seed, p.cycles);
    live1 = runner.live(inst);
    fp1 = runner.fingerprint(inst);
    drained = runner.drain(inst);
    t1 = performance.now();
  } else {
    t0 = performance.now();
    mfailed = runner.loop(inst, p.seed, p.cycles);
    drained = runner.drain(inst);
    t1 = performance.now();
    live1 = drained;
  }
  Atomics.add(ctrl, S_DONE, 1);
  Atomics.notify(ctrl, S_DONE);
  heap?.detach();
  const r: ScalingWorkerResult = {
    type: 'result',
    index: d.index,
    seed: p.seed,
    seconds: (t1 - t0) / 1000,
    counts: {
      prefault: phaseCounts(pn, pfailed, 0, live0, fp0),
      main: phaseCounts(p.cycles, mfailed, live0, live1, fp1),
      drain: { frees: drained },
    },
    // hakmem's words are sampled by the main thread (one heap); the limit's are this worker's own
    ...(d.runner === 'limit' && runner.memory?.(inst).read ? { peaks: runner.memory(inst).read!() } : {}),
    ...(pinned !== undefined ? { pinned } : {}),
  };
  parentPort?.postMessage(r);
}

main().catch((e: unknown) => {
  // never leave the main thread waiting at the finish line
  Atomics.add(ctrl, S_DONE, 1);
  Atomics.notify(ctrl, S_DONE);
  throw e;
});
