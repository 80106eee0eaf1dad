/**
 * @daneren2005/shared-memory-objects in larson: its allocator MemoryBuffer (a locked fork of
 * thi.ng's MemPool, state in the buffer) over one SharedArrayBuffer. The main thread initializes
 * it (compact and split off, as its MemoryHeap sets them); every worker builds its own
 * MemoryBuffer over the same buffer with skipInitialization, the library's way to share it.
 *
 * Two things Node needs that a browser does not (see also ../../random-mixed/runners/smo.ts):
 * - the package ships TypeScript only, so it is loaded through tsx's tsImport (in every worker);
 * - its lock, on contention, evaluates `'WorkerGlobalScope' in self`: in Node `self` is not
 *   defined and that throws. Each worker defines `self` and `WorkerGlobalScope` as a browser
 *   worker has them, so the lock takes the path it takes in a browser worker (Atomics.wait).
 */
import { poolTopProbe } from '../../random-mixed/runners/common.js';
import { tsImport } from 'tsx/esm/api';
import { isMainThread } from 'node:worker_threads';
import { type LarsonParams, slotCount } from '../params.js';
import { type LarsonShared } from '../shared.js';
import { LRAN2_X, LRAN2_Y } from '../lran2.js';
import { type LarsonRunner, type LoopState, loopState, type MainOps, taggedOps, type Tags } from '../runner.js';

interface MemoryBufferOps {
  malloc(bytes: number): number;
  free(ptr: number): boolean;
  stats(): { used: { count: number; size: number }; free: { count: number; size: number }; top: number };
}
type MemoryBufferClass = new (opts: {
  buf: SharedArrayBuffer;
  compact?: boolean;
  split?: boolean;
  skipInitialization?: boolean;
}) => MemoryBufferOps;

if (!isMainThread) {
  const g = globalThis as Record<string, unknown>;
  g.self ??= globalThis;
  g.WorkerGlobalScope ??= function WorkerGlobalScope() {};
}

const smo = (await tsImport('@daneren2005/shared-memory-objects', import.meta.url)) as { MemoryBuffer: MemoryBufferClass };
const MemoryBuffer = smo.MemoryBuffer;

/** Four times the largest possible live bytes (no split: a block keeps its size), at least 64 MiB. */
export function smoBufferBytes(p: LarsonParams): number {
  const want = Math.max(64 << 20, 4 * slotCount(p) * (p.max + 8));
  return Math.min(2 ** 31 - (64 << 10), Math.ceil(want / 65536) * 65536);
}

interface SmoMain {
  buf: SharedArrayBuffer;
  mem: MemoryBufferOps;
}

interface SmoState extends LoopState {
  mem: Pick<MemoryBufferOps, 'malloc' | 'free'>;
}

function generation(s: SmoState, r: number, n: number): number {
  const mem = s.mem;
  const u8 = s.u8;
  const w = s.w;
  const stop = s.stop;
  const asize = s.asize;
  const min = s.min;
  const span = s.span;
  const rng = s.rng0 + r * s.rngStride;
  const slots = s.slots + r * asize;
  const sizes = s.sizes + r * asize;
  let x = w[rng + LRAN2_X];
  let y = w[rng + LRAN2_Y];
  let failed = 0;
  let refused = 0;
  let i = 0;
  while (i < n) {
    let j = y % 97;
    y = w[rng + j];
    x = (1366 * x + 150889) % 714025;
    w[rng + j] = x;
    const victim = y % asize;
    const old = w[slots + victim];
    if (old !== 0 && !mem.free(old)) refused++;
    let size = min;
    if (span !== 0) {
      j = y % 97;
      y = w[rng + j];
      x = (1366 * x + 150889) % 714025;
      w[rng + j] = x;
      size = min + (y % span);
    }
    const p = mem.malloc(size);
    w[slots + victim] = p;
    w[sizes + victim] = size;
    i++;
    if (p === 0) failed++;
    else {
      u8[p] = 97;
      u8[p + 1] = 98;
    }
    if (w[stop] !== 0) break; // the stop flag: a plain read, see runner.ts
  }
  w[rng + LRAN2_X] = x;
  w[rng + LRAN2_Y] = y;
  s.failed = failed;
  s.refused = refused;
  return i;
}

export const runner: LarsonRunner<SmoMain, SmoState> = {
  createMain(p) {
    const heapBytes = smoBufferBytes(p);
    const buf = new SharedArrayBuffer(heapBytes);
    const mem = new MemoryBuffer({ buf, compact: false, split: false });
    return { main: { buf, mem }, share: buf, heapBytes };
  },
  mainOps({ buf, mem }): MainOps {
    const i32 = new Int32Array(buf);
    const u8 = new Uint8Array(buf);
    return {
      alloc: (size) => mem.malloc(size),
      free: (p) => {
        if (p !== 0 && !mem.free(p)) throw new Error(`smo: free(${p}) refused by the main thread`);
      },
      i32,
      u8,
    };
  },
  attach(share: unknown, shared: LarsonShared, p: LarsonParams): SmoState {
    const buf = share as SharedArrayBuffer;
    const mem = new MemoryBuffer({ buf, skipInitialization: true });
    return { ...loopState(shared, p, new Uint8Array(buf)), mem };
  },
  generation,
  instrument(s: SmoState, tags: Tags) {
    const mem = s.mem;
    const buf = s.u8.buffer as SharedArrayBuffer;
    const i32 = new Int32Array(buf);
    const u8 = s.u8;
    const ops = taggedOps((size) => mem.malloc(size), (p) => mem.free(p), () => i32, () => u8, tags);
    s.mem = { malloc: ops.alloc, free: ops.free };
  },
  detach() {},
  memory: ({ buf }) => poolTopProbe(buf),
  finish({ mem }) {
    const st = mem.stats();
    return {
      check: st.used.count === 0 ? 'ok' : `${st.used.count} blocks (${st.used.size} bytes) still in its used list`,
      facts: { usedBlocks: st.used.count, freeBlocks: st.free.count, top: st.top },
    };
  },
};
