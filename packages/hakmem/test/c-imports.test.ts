/**
 * mallocImports: C's allocation functions against a model, called as wasm calls them (i32
 * arguments arrive signed: a size_t of 2^31 or more is a negative number). Random sequences of
 * malloc, calloc, realloc, free, aligned_alloc, posix_memalign and malloc_usable_size, with the
 * NULL cases mixed in (oversize, calloc overflow, bad alignments, realloc(p, 0)): each result is
 * NULL exactly where C says, 16-aligned (or as aligned as asked), at least as large as asked,
 * disjoint from the other live blocks; blocks keep their bytes through realloc; posix_memalign
 * returns 0 / EINVAL / ENOMEM and writes the pointer only on success. validate() after each run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHeap, EINVAL, ENOMEM, HeaderlessHeap, HeapError, HeapErrorCode as E, mallocImports, type Heap } from '../src/index.js';

/** as wasm passes a u32: the same 32 bits, read as a signed i32 */
const i32 = (n: number) => n | 0;

const size = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) }, // malloc(0), realloc(p, 0)
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 70_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 70_000, max: 300_000 }) },
  // sizes no heap of this test holds: NULL, never a throw
  { weight: 1, arbitrary: fc.constantFrom(2 ** 31, 2 ** 32 - 1, 3e9, 64 << 20) },
);
const align = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 16 }).map((k) => 2 ** k) },
  // not powers of two, zero, above 2^30
  { weight: 1, arbitrary: fc.constantFrom(0, 3, 12, 24, 48, 100, 2 ** 31, 2 ** 32 - 1) },
);
const op = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('malloc' as const), size }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('calloc' as const), count: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(65536, 2 ** 31)), size }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('realloc' as const), size, at: fc.nat(), nul: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('free' as const), at: fc.nat(), nul: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('aligned_alloc' as const), align, size }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('posix_memalign' as const), align, size }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('usable' as const), at: fc.nat(), nul: fc.boolean() }) },
);
type Op = { k: string; size?: number; count?: number; align?: number; at?: number; nul?: boolean };

interface Live {
  p: number;
  size: number;
  seed: number;
}

const pow2 = (a: number) => a > 0 && a <= 2 ** 30 && (a & (a - 1)) === 0;

function run(h: Heap | HeaderlessHeap, ops: Op[]): void {
  const c = mallocImports(h);
  const max = h.maxAllocSize;
  const live: Live[] = [];
  let seed = 1;
  const u8 = () => h.u8;
  const fill = (b: Live) => {
    const m = u8();
    for (let i = 0; i < b.size; i++) m[b.p + i] = (b.seed + i * 29) & 0xff;
  };
  const check = (b: Live, n = b.size) => {
    const m = u8();
    for (let i = 0; i < n; i++) if (m[b.p + i] !== ((b.seed + i * 29) & 0xff)) throw new Error(`block ${b.p} (${b.size} bytes): byte ${i} changed`);
  };
  // a new block: aligned, big enough, the caller's
  const got = (p: number, n: number, a = 16, zero = false): void => {
    expect(p).toBeGreaterThan(0); // an unsigned pointer (the heap is below 2 GiB here)
    if (p % Math.max(a, 16) !== 0) throw new Error(`block ${p} is not ${Math.max(a, 16)}-aligned`);
    expect(c.malloc_usable_size(i32(p))).toBeGreaterThanOrEqual(n);
    if (zero) for (let i = 0; i < n; i++) if (u8()[p + i] !== 0) throw new Error(`calloc block ${p} byte ${i} not zero`);
    const b = { p, size: n, seed: seed++ };
    fill(b);
    live.push(b);
  };
  // a scratch word for posix_memalign's out-pointer: a block of its own
  const pp = c.malloc(4);
  for (const o of ops) {
    const n = o.size ?? 0;
    switch (o.k) {
      case 'malloc': {
        const p = c.malloc(i32(n)) >>> 0;
        if (n > max) expect(p).toBe(0);
        else if (p !== 0) got(p, n);
        break;
      }
      case 'calloc': {
        const bytes = o.count! * n;
        const p = c.calloc(i32(o.count!), i32(n)) >>> 0;
        if (bytes > max) expect(p, `calloc(${o.count}, ${n})`).toBe(0);
        else if (p !== 0) got(p, bytes, 16, true);
        break;
      }
      case 'realloc': {
        if (o.nul || live.length === 0) {
          const p = c.realloc(0, i32(n)) >>> 0; // realloc(NULL, n) is malloc(n)
          if (n > max) expect(p).toBe(0);
          else if (p !== 0) got(p, n);
          break;
        }
        const b = live[o.at! % live.length];
        const q = c.realloc(i32(b.p), i32(n)) >>> 0;
        if (n === 0) {
          // glibc: realloc(p, 0) frees p and returns NULL
          expect(q).toBe(0);
          live.splice(live.indexOf(b), 1);
          break;
        }
        if (q === 0) {
          check(b); // NULL: the block untouched, still live
          break;
        }
        expect(n).toBeLessThanOrEqual(max);
        if (q % 16 !== 0) throw new Error(`realloc gave ${q}`);
        const kept = Math.min(b.size, n);
        b.p = q;
        check(b, kept);
        expect(c.malloc_usable_size(i32(q))).toBeGreaterThanOrEqual(n);
        b.size = n;
        fill(b);
        break;
      }
      case 'free': {
        if (o.nul || live.length === 0) {
          c.free(0); // a no-op
          break;
        }
        const [b] = live.splice(o.at! % live.length, 1);
        check(b);
        c.free(i32(b.p));
        break;
      }
      case 'aligned_alloc': {
        const p = c.aligned_alloc(i32(o.align!), i32(n)) >>> 0;
        if (!pow2(o.align!) || n > max) expect(p, `aligned_alloc(${o.align}, ${n})`).toBe(0);
        else if (p !== 0) got(p, n, o.align);
        break;
      }
      case 'posix_memalign': {
        const before = 0xdeadbeef;
        h.u32[pp >>> 2] = before;
        const rc = c.posix_memalign(i32(pp), i32(o.align!), i32(n));
        const a = o.align!;
        if (!pow2(a) || a < 4) {
          expect(rc, `posix_memalign(${a}, ${n})`).toBe(EINVAL);
          expect(h.u32[pp >>> 2]).toBe(before);
        } else if (rc === ENOMEM) {
          expect(h.u32[pp >>> 2]).toBe(before);
        } else {
          expect(rc).toBe(0);
          expect(n).toBeLessThanOrEqual(max);
          got(h.u32[pp >>> 2], n, a);
        }
        if (pow2(a) && a >= 4 && n > max) expect(rc).toBe(ENOMEM);
        break;
      }
      case 'usable': {
        if (o.nul || live.length === 0) expect(c.malloc_usable_size(0)).toBe(0);
        else {
          const b = live[o.at! % live.length];
          expect(c.malloc_usable_size(i32(b.p))).toBeGreaterThanOrEqual(b.size);
        }
        break;
      }
    }
  }
  // no two live blocks overlap, and each kept its bytes
  const spans = live.map((b) => [b.p, b.p + h.usableSize(b.p)] as const).sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) throw new Error(`blocks ${spans[i - 1][0]} and ${spans[i][0]} overlap`);
  for (const b of live) check(b);
  h.validate();
  for (const b of live.splice(0)) c.free(i32(b.p));
  c.free(pp);
  h.validate();
  expect(h.stats().bytes.inUse).toBe(0);
}

/** A heap of 16 MiB: in a buffer, or in a shared WebAssembly.Memory (there malloc and free are the wasm fast path). */
function heapFor(headerless: boolean, inMemory: boolean): Heap | HeaderlessHeap {
  if (!inMemory) return createHeap({ size: 16 << 20, maxWorkers: 1, learning: false, headerless });
  const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => never } }).WebAssembly.Memory({ initial: 1, maximum: 320, shared: true });
  return createHeap({ memory, byteOffset: 0, reservedBelow: 0, maxSize: 16 << 20, maxWorkers: 1, learning: false });
}
/** mallocImports' malloc and free are WebAssembly functions */
const isWasm = (f: unknown) => /\[native code\]/.test(String(f)) && /^function \d+\(/.test(String(f));

describe.each([
  ['with headers', false, false],
  ['headerless', true, false],
  ['in a memory: the wasm fast path', false, true],
] as const)('mallocImports against a model (%s)', (_, headerless, inMemory) => {
  it('NULL where C says, aligned, sized, disjoint, contents kept, errno right', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => {
        const h = heapFor(headerless, inMemory);
        expect(isWasm(mallocImports(h).malloc)).toBe(inMemory);
        try {
          run(h, ops as Op[]);
        } finally {
          void h.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('mallocImports: exhaustion and misuse', () => {
  it('an exhausted heap gives NULL (malloc, calloc, realloc, aligned_alloc) and ENOMEM, never a throw', () => {
    const h = createHeap({ size: 2 << 20, maxWorkers: 1, learning: false });
    const c = mallocImports(h);
    const out: number[] = [];
    for (let p = c.malloc(100_000); p !== 0; p = c.malloc(100_000)) out.push(p);
    expect(out.length).toBeGreaterThan(3);
    expect(c.calloc(1, 100_000)).toBe(0);
    expect(c.aligned_alloc(4096, 100_000)).toBe(0);
    const pp = out[0];
    expect(c.posix_memalign(pp, 4096, 100_000)).toBe(ENOMEM);
    expect(c.realloc(out[1], 200_000)).toBe(0);
    expect(c.malloc(-1)).toBe(0); // SIZE_MAX
    expect(c.calloc(65536, 65536)).toBe(0); // 2^32: size_t overflow
    expect(c.calloc(-1, -1)).toBe(0);
    for (const p of out) c.free(p);
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });

  it.each([false, true])('misuse still throws the HeapError: double free, a pointer the heap never gave, an out-pointer outside memory (in a memory: %s)', (inMemory) => {
    const h = heapFor(false, inMemory);
    const c = mallocImports(h);
    expect(isWasm(c.free)).toBe(inMemory);
    const p = c.malloc(40);
    c.free(p);
    expect(() => c.free(p)).toThrow(HeapError);
    try {
      c.free(p);
    } catch (e) {
      expect((e as HeapError).code).toBe(E.DOUBLE_FREE);
    }
    expect(() => c.free(h.byteOffset + 8)).toThrow(HeapError);
    expect(() => c.realloc(p, 100)).toThrow(HeapError);
    expect(() => c.posix_memalign(-8, 16, 16)).toThrow(HeapError); // 2^32 - 8: past the memory
    h.validate();
    expect(h.stats().bytes.inUse).toBe(0);
  });
});
