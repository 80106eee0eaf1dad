/**
 * One larson range run on the main thread, no Worker, no stop flag set: the loop of a JS runner alone,
 * for profilers and instruction counters (valgrind, perf, --print-opt-code), beside the C port's
 * `--generations G ... 1` mode (one thread). mimalloc-bench's set at one thread by default.
 *   node dist/larson/solo.js RUNNER ITERATIONS      (RUNNER: limit, hakmem, hakmem-fixed, smo)
 * Warm-up (untimed): the main thread's larson warm-up through the runner, then two generations;
 * then generations until ITERATIONS, timed. Prints iterations per second.
 */
import { performance } from 'node:perf_hooks';
import { loadLarsonRunner } from './load.js';
import { checkLarsonParams, generationIters } from './params.js';
import { warmup } from './reference.js';
import { LarsonShared, LRAN2_WORDS } from './shared.js';

const name = process.argv[2] ?? 'limit';
const total = Number(process.argv[3] ?? 20e6);
const p = checkLarsonParams({ sleep: 0, min: 8, max: 1000, chunks: 5000, rounds: 100, seed: 4141, threads: 1 });
const runner = await loadLarsonRunner(name);
const L = LarsonShared.create(p);
const { main, share } = runner.createMain(p, { workers: 1 });
const ops = runner.mainOps(main);
const put = (slot: number, size: number) => {
  L.array[slot] = ops.alloc(size);
  L.blksize[slot] = size;
};
const w = warmup(p, {
  alloc: put,
  swap: (a, b) => {
    let t = L.array[a];
    L.array[a] = L.array[b];
    L.array[b] = t;
    t = L.blksize[a];
    L.blksize[a] = L.blksize[b];
    L.blksize[b] = t;
  },
  replace: (slot, size) => {
    ops.free(L.array[slot]);
    put(slot, size);
  },
});
L.ctrl.set(w.rng.subarray(0, LRAN2_WORDS), L.rngIndex(0));
const s = await runner.attach(share, L, p);
const gen = generationIters(p);
// a short call first, so the loop's prologue has feedback before TurboFan compiles it (as in a worker)
runner.generation(s, 0, 1000);
runner.generation(s, 0, gen);
let done = 0;
const t0 = performance.now();
while (done < total) done += runner.generation(s, 0, Math.min(gen, total - done));
const t1 = performance.now();
process.stdout.write(`${name}: ${(done / (t1 - t0) / 1e3).toFixed(2)} M iterations/s (${((t1 - t0) * 1e6 / done).toFixed(1)} ns each)\n`);
runner.detach(s);
process.exit(0);
