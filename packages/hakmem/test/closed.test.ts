/**
 * A closed heap (close(), or detach() in a worker) refuses every call that would touch the heap
 * with HAKMEM_CLOSED, in every flavour: the hot path's alloc and free as well as the cold methods,
 * whatever the arguments; and what only reads the object (its buffer, views, handle) still works.
 */
import { describe, expect, it } from 'vitest';
import { attachHeap, createHeap, HeaderlessHeap, HeapError, HeapErrorCode as E, type Heap, type HeapOptions } from '../src/index.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HeapError);
    return (e as HeapError).code;
  }
  return undefined;
}

/** Every call on `h`, closed, with a block `p` and a view `v` it allocated while open. */
async function expectRefused(h: Heap | HeaderlessHeap, p: number, v: Float64Array): Promise<void> {
  const free = (q: number) => (h instanceof HeaderlessHeap ? h.free(q, 16) : h.free(q));
  const calls: Record<string, () => unknown> = {
    'alloc(16)': () => h.alloc(16),
    'alloc(1 << 20)': () => h.alloc(1 << 20),
    'alloc(-1)': () => h.alloc(-1),
    'free(p)': () => free(p),
    'free(0)': () => free(0),
    'free(view)': () => (h instanceof HeaderlessHeap ? h.free(v) : h.free(v)),
    'calloc(1, 8)': () => h.calloc(1, 8),
    'calloc(-1)': () => h.calloc(-1),
    'realloc(p, 64)': () => h.realloc(p, 64),
    'realloc(0, 8)': () => h.realloc(0, 8),
    'alignedAlloc(64, 100)': () => h.alignedAlloc(64, 100),
    'alignedAlloc(3, 8)': () => h.alignedAlloc(3, 8),
    'sizeOf(p)': () => h.sizeOf(p),
    'usableSize(p)': () => h.usableSize(p),
    'usableSize(view)': () => h.usableSize(v),
    'mallocAs(Float64Array, 4)': () => h.mallocAs(Float64Array, 4),
    'callocAs(Float64Array, 4)': () => h.callocAs(Float64Array, 4),
    'reallocArray(view, 8)': () => h.reallocArray(v, 8),
    'view(Uint8Array, p, 8)': () => h.view(Uint8Array, p, 8),
    'flush()': () => h.flush(),
    'collect()': () => h.collect(),
    'reclaim(1)': () => h.reclaim(1),
    'reclaimDead()': () => h.reclaimDead(),
    'validate()': () => h.validate(),
    'stats()': () => h.stats(),
    'diagnostics()': () => h.diagnostics(),
    'printDiagnostics()': () => h.printDiagnostics(),
  };
  const got = Object.fromEntries(Object.entries(calls).map(([name, f]) => [name, codeOf(f)]));
  expect(got).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, E.CLOSED])));
  await expect(h.reclaimTerminated(1, { quietMs: 0 })).rejects.toMatchObject({ code: E.CLOSED });
  // reading the object still works, and closing again does nothing
  expect(h.u8.length).toBeGreaterThan(0);
  expect(h.handle.kind).toBe('hakmem-heap');
  expect(h.maxAllocSize).toBeGreaterThan(0);
  h.detach();
  await h.close();
}

const flavours: Array<[string, HeapOptions]> = [
  ['Heap', {}],
  ['CountingHeap', { counters: true }],
  ['LowWaterHeap', { counters: 'low-water' }],
  ['HeaderlessHeap', { headerless: true }],
];

describe('a closed heap refuses every call with HAKMEM_CLOSED', () => {
  it.each(flavours)('%s, closed', async (_, o) => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 2, learning: false, ...o });
    const p = h.alloc(16);
    const v = h.mallocAs(Float64Array, 2)!;
    await h.close();
    await expectRefused(h, p, v);
  });

  it.each(flavours)('%s, detached', async (_, o) => {
    const h = createHeap({ size: 4 << 20, maxWorkers: 2, learning: false, ...o });
    const w = attachHeap(h.handle);
    const p = w.alloc(16);
    const v = w.mallocAs(Float64Array, 2)!;
    w.detach();
    await expectRefused(w, p, v);
    // the creator is untouched: it frees what the detached worker left
    if (h instanceof HeaderlessHeap) {
      h.free(p, 16);
      h.free(v);
    } else {
      h.free(p);
      h.free(v);
    }
    expect(h.validate().blocksLive).toBe(0);
    await h.close();
  });
});
