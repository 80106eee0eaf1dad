/**
 * One measurement of an emscripten build (wasm/out/<malloc>/rm.js): emscripten's own runtime in
 * Node, its main() starting the threads with pthread_create on its pre-started pool of Workers and
 * calling the same coordinate() as the clang build; one JSON line back. Memory: the highest sbrk
 * break while the threads ran, above the break they started from (sampled by coordinate() every
 * millisecond: dlmalloc may trim).
 */
import { spawnSync } from 'node:child_process';
import type { MixedCounts, MixedParams } from '../random-mixed/params.js';
import { workerParams } from '../scaling/params.js';
import { countsOf, type CResult, WASM_NODE_FLAGS } from './layout.js';

export interface EmccResult {
  workers: number;
  seconds: number;
  opsPerSec: number;
  perWorker: { index: number; seed: number; seconds: number; opsPerSec: number; counts: MixedCounts }[];
  /** sbrk's peak above its value when the threads were started, bytes */
  brkBytes: number;
}

interface Printed {
  span: [number, number];
  brk0: number;
  brkPeak: number;
  threads: CResult[];
}

export function runEmcc(launcher: string, workers: number, p: MixedParams, o: { verify?: boolean } = {}): EmccResult {
  const seeds = Array.from({ length: workers }, (_, i) => workerParams(p, i).seed);
  const args = [...WASM_NODE_FLAGS, '--no-experimental-fetch', launcher, String(workers), String(p.cycles), String(p.ws), String(p.min), String(p.max), o.verify ? '1' : '0', ...seeds.map(String)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${launcher} x${workers} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Printed;
  if (out.threads.length !== workers) throw new Error(`${launcher}: ${out.threads.length} of ${workers} threads reported`);
  const seconds = (out.span[1] - out.span[0]) / 1000;
  return {
    workers,
    seconds,
    opsPerSec: (workers * p.cycles) / seconds,
    perWorker: out.threads.map((t, i) => {
      const s = (t.t1 - t.t0) / 1000;
      return { index: i, seed: seeds[i], seconds: s, opsPerSec: p.cycles / s, counts: countsOf(t, p.cycles) };
    }),
    brkBytes: out.brkPeak - out.brk0,
  };
}
