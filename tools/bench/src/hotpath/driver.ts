/**
 * The program `pnpm --filter @hakmem/bench hotpath` runs under `node --print-opt-code`: it warms
 * up hakmem's alloc and free (the default heap's ThreadCache, served from its cache: the fast path)
 * and the bare freelist's pop and push (the statements of the limit runner's loop, as functions)
 * until TurboFan has compiled each of them on its own (the tool passes
 * --max-inlined-bytecode-size=0, so none is inlined into the loop that calls it). With
 * `--counting`, a heap with counters instead (CountingThreadCache.alloc), alone: a second heap
 * class in the same process would make the compiled `free` check two maps.
 */
import { createHeap } from 'hakmem';

/** The limit's alloc: class from the size, pop the class list (runners/limit.ts's loop, miss = 0). */
export function limitAlloc(i32: Int32Array, heads: number, size: number): number {
  const cls = (size + 15) >> 4;
  const q = i32[heads + cls];
  if (q !== 0) i32[heads + cls] = i32[q >> 2];
  return q;
}

/** The limit's free: the class from the word before the block, push on its list. */
export function limitFree(i32: Int32Array, heads: number, p: number): void {
  const w = p >> 2;
  const h = heads + i32[w - 1];
  i32[w] = i32[h];
  i32[h] = p;
}

function driveHeap(h: { alloc(size: number): number; free(p: number): void }, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const a = h.alloc(16 + (i & 255));
    const b = h.alloc(100);
    h.free(a);
    h.free(b);
    s += a;
  }
  return s;
}

function driveLimit(i32: Int32Array, heads: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const size = 16 + (i & 255);
    const a = limitAlloc(i32, heads, size);
    if (a !== 0) limitFree(i32, heads, a);
    s += a;
  }
  return s;
}

const counting = process.argv.includes('--counting');
const heap = createHeap({ size: 16 << 20, learning: false, counters: counting });
// the limit: lists of 16-byte classes, 2 blocks on each (class word before each block)
const i32 = new Int32Array(new SharedArrayBuffer(1 << 20));
const heads = 2;
let top = 4096;
for (let cls = 1; cls <= 18; cls++) {
  for (let k = 0; k < 2; k++) {
    i32[top >> 2] = cls;
    const p = top + 4;
    limitFree(i32, heads, p);
    top += 4 + (cls << 4);
  }
}
let sink = 0;
for (let k = 0; k < 60; k++) {
  sink += driveHeap(heap, 20_000);
  if (!counting) sink += driveLimit(i32, heads, 20_000);
}
process.stdout.write(`driver done ${sink & 1}\n`);
