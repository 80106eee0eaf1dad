/**
 * Every public function of every package, called with values of every wrong kind: each call
 * either throws an error whose `code` is one of HeapErrorCode's, or is a documented no-op (then
 * listed in `accepts`); never an uncoded exception or a hang, and the heap validates afterwards
 * with its live blocks intact. A fast-check property mixes arbitrary values into valid traffic.
 *
 * Out of scope (documented in the README's error table): the word-index plumbing the umbrella
 * wires between the boxes (pushEvent, readPolicy, consume, installChain, SlotBackend, ...), which
 * takes offsets it computed itself and sits on hot or cold paths that check nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkCapacity, ringWords } from '@hakmem/ace-learning';
import { Region, shown } from '@hakmem/arena';
import { checkHealth, formatDiagnostics, HeapView, printDiagnostics, snapshot, watchHealth } from '@hakmem/pool-diagnostics';
import { capBounds } from '../src/cache-cap.js';
import { boundFor, defaultBound, defaultBounds, defaultRefillCount, defaultRefillCounts, maxCount, RefillEngine } from '@hakmem/pool-refill';
import { classLookup, defaultClassSizes, HeaderlessCache, ThreadCache } from '@hakmem/pool-tls';
import { attachHeap, createHeap, HeapErrorCode, mallocImports, startLearner, type HeaderlessHeap, type Heap } from '../src/index.js';

const BAD: Array<[string, unknown]> = [
  ['a BigInt', 16n],
  ['a Symbol', Symbol('bad')],
  ['NaN', Number.NaN],
  ['-1', -1],
  ['1.5', 1.5],
  ['2^32', 2 ** 32],
  ['undefined', undefined],
  ['null', null],
  ['a string', '16'],
  ['an object', {}],
];
const CODES = new Set<string>(Object.values(HeapErrorCode));

/** What a call did: 'ok' (returned, or its promise resolved), a code, or an uncoded exception (a failure). */
async function outcome(f: () => unknown): Promise<string> {
  let r: unknown;
  try {
    r = f();
    if (r instanceof Promise) r = await r;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CODES.has(code) && (e as Error).message.includes(code)) return code;
    return `UNCODED ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  cleanup(r);
  return 'ok';
}

/** Whatever a call that succeeded returned and holds (a heap, a watch, a learner) is let go. */
const pending: Array<() => unknown> = [];
function cleanup(r: unknown): void {
  const o = r as { close?: () => unknown; stop?: () => unknown } | null;
  if (o && typeof o === 'object') {
    if (typeof o.close === 'function') pending.push(() => o.close!());
    else if (typeof o.stop === 'function') pending.push(() => o.stop!());
  }
}

/** either flavour: the calls below pass a size to free where the flavour takes one */
type H = Omit<Heap, 'free'> & { free(p: number, size?: number): void };
interface Ctx {
  h: H;
  hl: H;
  live: number;
  liveHl: number;
}

/** name, call, and the bad values for which the call is a documented no-op (or a default). */
const CALLS: Array<[string, (c: Ctx, v: any) => unknown, string[]?]> = [
  ['heap.alloc(v)', (c, v) => c.h.alloc(v)],
  ['heap.calloc(v)', (c, v) => c.h.calloc(v)],
  ['heap.calloc(1, v)', (c, v) => c.h.calloc(1, v), ['undefined']], // size defaults to 1
  ['heap.realloc(p, v)', (c, v) => c.h.realloc(c.live, v)],
  ['heap.realloc(v, 16)', (c, v) => c.h.realloc(v, 16)],
  ['heap.free(v)', (c, v) => c.h.free(v)],
  ['heap.sizeOf(v)', (c, v) => c.h.sizeOf(v)],
  ['heap.reclaim(v)', (c, v) => c.h.reclaim(v)],
  ['heap.watch(v)', (c, v) => c.h.watch(v)],
  ['heap.watchHealth(v)', (c, v) => c.h.watchHealth(v), ['undefined', 'an object']],
  ['heap.printDiagnostics(v)', (c, v) => c.h.printDiagnostics(v), ['undefined', 'an object']],
  ['heap.reclaimTerminated(v)', (c, v) => c.h.reclaimTerminated(v)],
  ['heap.mallocAs(v, 2)', (c, v) => c.h.mallocAs(v, 2)],
  ['heap.mallocAs(Float64Array, v)', (c, v) => c.h.mallocAs(Float64Array, v)],
  ['heap.callocAs(Float64Array, v)', (c, v) => c.h.callocAs(Float64Array, v)],
  ['heap.reallocArray(v, 2)', (c, v) => c.h.reallocArray(v, 2)],
  ['heap.view(v, p, 1)', (c, v) => c.h.view(v, c.live, 1)],
  ['heap.view(Float64Array, v, 1)', (c, v) => c.h.view(Float64Array, v, 1)],
  ['heap.view(Float64Array, p, v)', (c, v) => c.h.view(Float64Array, c.live, v)],
  ['heap.usableSize(v)', (c, v) => c.h.usableSize(v)],
  ['heap.alignedAlloc(v, 16)', (c, v) => c.h.alignedAlloc(v, 16)],
  ['heap.alignedAlloc(64, v)', (c, v) => c.h.alignedAlloc(64, v)],
  ['headerless.alignedAlloc(v, 16)', (c, v) => c.hl.alignedAlloc(v, 16)],
  ['headerless.alignedAlloc(64, v)', (c, v) => c.hl.alignedAlloc(64, v)],
  ['mallocImports(v)', (_c, v) => mallocImports(v)],
  ['headerless.alloc(v)', (c, v) => c.hl.alloc(v)],
  ['headerless.free(v, 16)', (c, v) => c.hl.free(v, 16)],
  ['headerless.free(p, v)', (c, v) => c.hl.free(c.liveHl, v)],
  ['headerless.calloc(v)', (c, v) => c.hl.calloc(v)],
  ['headerless.realloc(p, v)', (c, v) => c.hl.realloc(c.liveHl, v)],
  ['createHeap(v)', (_c, v) => createHeap(v), ['undefined', 'an object']],
  ...(['size', 'maxSize', 'buffer', 'byteOffset', 'byteLength', 'maxWorkers', 'headerless', 'align', 'classSizes', 'maxCachedBytes', 'refillCounts', 'counters'] as const).map(
    (k): [string, (c: Ctx, v: any) => unknown, string[]] => [
      `createHeap({ ${k}: v })`, (_c, v) => createHeap({ size: 2 << 20, maxWorkers: 1, learning: false, [k]: v }),
      // a heap of 4 GiB (a buffer of its own) is as valid as one in a full wasm32 memory
      k === 'size' ? ['2^32', 'undefined'] : ['undefined'],
    ],
  ),
  ['createHeap({ memory: v })', (_c, v) => createHeap({ memory: v, reservedBelow: 0, maxWorkers: 1, learning: false })],
  ['createHeap({ reservedBelow: v })', (_c, v) => createHeap({ size: 2 << 20, maxWorkers: 1, learning: false, reservedBelow: v }), ['undefined']],
  // with a shared WebAssembly.Memory (a new one each call); a maxSize above its maximum is clamped to it
  ...([['reservedBelow', []], ['byteOffset', ['undefined']], ['maxSize', ['2^32', 'undefined']]] as const).map(
    ([k, accepts]): [string, (c: Ctx, v: any) => unknown, string[]] => [
      `createHeap({ memory, ${k}: v })`,
      (_c, v) => createHeap({ memory: wasmMemory(), reservedBelow: 0, maxWorkers: 1, learning: false, [k]: v }),
      [...accepts],
    ],
  ),
  ['createHeap({ learning: v })', (_c, v) => createHeap({ size: 2 << 20, maxWorkers: 1, learning: v }), ['undefined', 'an object']],
  ['createHeap({ debug: v })', (_c, v) => createHeap({ size: 2 << 20, maxWorkers: 1, learning: false, debug: v }), ['undefined', 'an object']],
  ['createHeap({ learning: { ringCapacity: v } })', (_c, v) => createHeap({ size: 2 << 20, maxWorkers: 1, learning: { mode: 'inline', ringCapacity: v } }), ['undefined']],
  ['attachHeap(v)', (_c, v) => attachHeap(v)],
  ...(['kind', 'version', 'buffer', 'byteOffset'] as const).map((k): [string, (c: Ctx, v: any) => unknown] => [
    `attachHeap({ ...handle, ${k}: v })`,
    (c, v) => attachHeap({ ...c.h.handle, [k]: v }),
  ]),
  // pool-diagnostics
  ['snapshot(v)', (_c, v) => snapshot(v)],
  ['snapshot(handle, v)', (c, v) => snapshot(c.h.handle, v), ['undefined', 'an object']],
  ['new HeapView(v)', (_c, v) => new HeapView(v)],
  ['new HeapView(buffer, v)', (c, v) => new HeapView(c.h.buffer, v), ['undefined']],
  ['formatDiagnostics(v)', (_c, v) => formatDiagnostics(v)],
  ['formatDiagnostics(snapshot, v)', (c, v) => formatDiagnostics(snapshot(c.h.handle), v), ['undefined', 'an object']],
  ['printDiagnostics(v)', (_c, v) => printDiagnostics(v)],
  ['checkHealth(v)', (_c, v) => checkHealth(v)],
  ['checkHealth(snapshot, v)', (c, v) => checkHealth(snapshot(c.h.handle), v), ['undefined']],
  ['checkHealth(snapshot, undefined, v)', (c, v) => checkHealth(snapshot(c.h.handle), undefined, v), ['undefined', 'an object']],
  ['watchHealth(v)', (_c, v) => watchHealth(v)],
  ['watchHealth(handle, { intervalMs: v })', (c, v) => watchHealth(c.h.handle, { intervalMs: v }), ['1.5', 'undefined']],
  ['watchHealth(handle, { onWarning: v })', (c, v) => watchHealth(c.h.handle, { onWarning: v }), ['undefined']],
  ['watchHealth(handle, { dropRate: v })', (c, v) => watchHealth(c.h.handle, { dropRate: v }), ['undefined']],
  // arena
  ['Region.create(v)', (_c, v) => Region.create(v)],
  ['Region.create({ ...ok, slots: v })', (_c, v) => Region.create({ buffer: new SharedArrayBuffer(1 << 20), classSizes: [16, 32], slots: v })],
  ['Region.create({ ...ok, base: v })', (_c, v) => Region.create({ buffer: new SharedArrayBuffer(1 << 20), classSizes: [16, 32], slots: 1, base: v }), ['undefined']],
  ['Region.create({ ...ok, bytes: v })', (_c, v) => Region.create({ buffer: new SharedArrayBuffer(1 << 20), classSizes: [16, 32], slots: 1, bytes: v }), ['undefined']],
  ['Region.create({ ...ok, maxBytes: v })', (_c, v) => Region.create({ buffer: new SharedArrayBuffer(1 << 20), classSizes: [16, 32], slots: 1, maxBytes: v }), ['2^32', 'undefined']], // clamped to the buffer
  ['Region.create({ ...ok, extraWords: v })', (_c, v) => Region.create({ buffer: new SharedArrayBuffer(1 << 20), classSizes: [16, 32], slots: 1, extraWords: v }), ['undefined']],
  ['Region.attach(v)', (_c, v) => Region.attach(v)],
  ['Region.attach(buffer, v)', (c, v) => Region.attach(c.h.buffer, v), ['undefined']],
  // pool-tls
  ['defaultClassSizes(v)', (_c, v) => defaultClassSizes(v), ['undefined']],
  ['classLookup(v)', (_c, v) => classLookup(v)],
  ...(['i32', 'heads', 'classSizes', 'bounds', 'allocTag', 'freeTag'] as const).map((k): [string, (c: Ctx, v: any) => unknown] => [
    `new ThreadCache({ ...ok, ${k}: v })`,
    (_c, v) => new ThreadCache({ ...cacheConfig(), [k]: v }),
  ]),
  ['new HeaderlessCache({ ...ok, heads: v })', (_c, v) => new HeaderlessCache({ ...cacheConfig(), heads: v })],
  ['cache.setBound(0, v)', (_c, v) => new ThreadCache(cacheConfig()).setBound(0, v)],
  ['cache.setBound(v, 4)', (_c, v) => new ThreadCache(cacheConfig()).setBound(v, 4)],
  // pool-refill
  // any positive integer is a size or a count
  ['defaultRefillCount(v)', (_c, v) => defaultRefillCount(v), ['2^32']],
  ['defaultBound(v)', (_c, v) => defaultBound(v), ['2^32']],
  ['maxCount(v)', (_c, v) => maxCount(v), ['2^32']],
  ['boundFor(v, 64)', (_c, v) => boundFor(v, 64), ['2^32']],
  ['boundFor(4, v)', (_c, v) => boundFor(4, v), ['2^32']],
  ['capBounds(v, bounds, 4096)', (_c, v) => capBounds(v, [8, 8], 4096)],
  ['capBounds(sizes, v, 4096)', (_c, v) => capBounds([16, 32], v, 4096)],
  ['capBounds(sizes, bounds, v)', (_c, v) => capBounds([16, 32], [8, 8], v), ['1.5', '2^32']], // any positive number of bytes
  ['defaultRefillCounts(v)', (_c, v) => defaultRefillCounts(v)],
  ['defaultBounds(v)', (_c, v) => defaultBounds(v)],
  ['new RefillEngine(cache, backend, v)', (_c, v) => new RefillEngine(new ThreadCache(cacheConfig()), NO_BACKEND, v)],
  ['new RefillEngine(cache, backend, { counts: v })', (_c, v) => new RefillEngine(new ThreadCache(cacheConfig()), NO_BACKEND, { counts: v })],
  // ace-learning
  ['checkCapacity(v)', (_c, v) => checkCapacity(v)],
  ['ringWords(v)', (_c, v) => ringWords(v)],
  ['startLearner(v)', (_c, v) => startLearner(v)],
  ...(['buffer', 'ring', 'policy', 'state', 'classSizes', 'defaults', 'mode'] as const).map((k): [string, (c: Ctx, v: any) => unknown, string[]] => [
    `startLearner({ ...ok, ${k}: v })`,
    (_c, v) => startLearner({ ...learnerConfig(), mode: 'inline', [k]: v }),
    k === 'mode' ? ['undefined'] : [],
  ]),
];

/** A shared WebAssembly.Memory of 1 MiB, 4 MiB at most (the project's lib has no WebAssembly types). */
function wasmMemory(): any {
  return new (globalThis as any).WebAssembly.Memory({ initial: 16, maximum: 64, shared: true });
}

function cacheConfig() {
  return { i32: new Int32Array(new SharedArrayBuffer(1 << 16)), heads: 64, classSizes: [16, 32], bounds: [8, 8], allocTag: 1 << 16, freeTag: 2 << 16 };
}
const NO_BACKEND = { takeBatch: () => 0, returnBatch: () => {}, trim: () => {} } as unknown as ConstructorParameters<typeof RefillEngine>[1];
function learnerConfig() {
  return { buffer: new SharedArrayBuffer(1 << 20), ring: 0, policy: 60_000, state: 61_000, classSizes: [16, 32], defaults: [8, 8] };
}

let ctx: Ctx;
const fills: Array<[H, number, number]> = [];
beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const h = createHeap({ size: 8 << 20, maxWorkers: 2, learning: false }) as H;
  const hl = createHeap({ size: 8 << 20, maxWorkers: 1, learning: false, headerless: true }) as unknown as H;
  ctx = { h, hl, live: h.alloc(100), liveHl: hl.alloc(16) };
  fills.push([h, ctx.live, 100], [hl, ctx.liveHl, 16]);
  for (const [x, p, n] of fills) x.u8.fill(0x5a, p, p + n);
});
afterAll(async () => {
  for (const f of pending.splice(0)) await f();
  vi.restoreAllMocks();
});

function intact(): void {
  for (const [x, p, n] of fills) {
    x.validate();
    expect(x.u8.subarray(p, p + n).every((b) => b === 0x5a)).toBe(true);
  }
}

describe('every public function with every wrong kind of value', () => {
  it.each(CALLS.map(([name, f, accepts]) => [name, f, accepts ?? []] as const))('%s', async (_name, f, accepts) => {
    const got: Record<string, string> = {};
    for (const [what, v] of BAD) got[what] = await outcome(() => f(ctx, v));
    const uncoded = Object.entries(got).filter(([, o]) => o.startsWith('UNCODED'));
    expect(uncoded, 'uncoded exceptions').toEqual([]);
    const accepted = Object.entries(got).filter(([, o]) => o === 'ok').map(([what]) => what);
    expect(accepted, 'calls that returned without an error').toEqual(accepts);
    intact();
  });
});

describe('arbitrary values among valid traffic', () => {
  it('never an uncoded exception, the heap valid after every step', async () => {
    const { h } = ctx;
    const realloc = (v: any) => {
      const p = h.alloc(24);
      let q = 0;
      try {
        q = h.realloc(p, v);
      } finally {
        h.free(q || p);
      }
    };
    const ops: Array<(v: any) => unknown> = [(v) => h.alloc(v), (v) => h.free(v), (v) => h.calloc(v, 2), realloc, (v) => h.sizeOf(v)];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(ops.length - 1), fc.oneof(fc.anything(), fc.integer(), fc.double(), fc.bigInt())), { maxLength: 20 }), async (steps) => {
        const mine: number[] = [];
        for (const [k, v] of steps) {
          let r: unknown;
          const o = await outcome(() => (r = ops[k](v)));
          expect(o.startsWith('UNCODED'), `${o} from op ${k} with ${shown(v)}`).toBe(false);
          if (o === 'ok' && (k === 0 || k === 2) && typeof r === 'number' && r !== 0) mine.push(r);
        }
        for (const p of mine) h.free(p);
        intact();
      }),
      { numRuns: 200 },
    );
  });

  it('a value String() cannot convert gets a coded error from every call', async () => {
    const { h } = ctx;
    const odd = { toString: [] } as unknown as number;
    const calls = [
      () => h.alloc(odd), () => h.free(odd), () => h.calloc(odd, 2), () => h.sizeOf(odd), () => h.realloc(0, odd),
      () => h.alignedAlloc(odd, 8), () => h.reclaim(odd), () => createHeap({ size: odd }), () => createHeap({ size: 1 << 20, align: odd as unknown as 8 }),
      () => checkCapacity(odd), () => defaultBound(odd), () => defaultClassSizes(odd), () => capBounds([16], [4], odd),
      () => formatDiagnostics(h.diagnostics(), { workers: odd as unknown as boolean }),
      () => formatDiagnostics(h.diagnostics(), Object.assign(() => 0, { toString: [] }) as never),
    ];
    for (const call of calls) expect(await outcome(call), String(call)).toMatch(/^HAKMEM_/);
    intact();
  });
});
