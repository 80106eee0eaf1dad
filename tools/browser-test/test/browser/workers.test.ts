/**
 * The built hakmem in a cross-origin-isolated Chromium page: module Workers attach with
 * `attachHeap(heap.handle)`, allocate stamped blocks and free each other's (every stamp checked
 * before its free, so a block handed out twice fails), the learner runs in a browser Worker,
 * diagnostics see the workers, a growable heap grows past its initial size while workers
 * allocate, and a headerless heap works across workers.
 */
import { createHeap, type HeaderlessHeap, type Heap } from 'hakmem';
import { expect, onTestFinished, test } from 'vitest';
import { startPairs } from './run-workers.js';
import type { StampReport } from './stamp.js';

/** Closed when the test ends, passed or failed (stops its learner). */
function closing<H extends Heap | HeaderlessHeap>(heap: H): H {
  onTestFinished(() => heap.close());
  return heap;
}

function expectIntact(reports: StampReport[], pairs: number): void {
  expect(reports.map((r) => r.samples)).toEqual(reports.map(() => []));
  expect(reports.map((r) => r.damaged)).toEqual(reports.map(() => 0));
  expect(reports.map((r) => r.error)).toEqual(reports.map(() => null));
  expect(reports.length).toBe(2 * pairs);
  for (const r of reports) expect(r.remoteFreed).toBeGreaterThan(0);
}

test('module Workers attach and free each other\'s stamped blocks; the learner runs in a Worker', async () => {
  const heap = closing(createHeap({ size: 32 << 20, learning: { mode: 'worker' } })); // a Worker at once (the default waits for refills worth learning from)
  expect(globalThis.crossOriginIsolated).toBe(true);
  const before = heap.stats().learning!;
  const run = await startPairs(heap.handle, 1, { rounds: 40, batch: 200, maxSmall: 2048, largeEvery: 0 });
  expect(new Set(run.slots).size).toBe(2);
  expect(heap.attachedSlots()).toEqual(expect.arrayContaining(run.slots));
  const reports = await run.go();
  expectIntact(reports, 1);
  expect(heap.validate().blocksLive).toBe(0);
  expect(heap.stats().bytes.inUse).toBe(0);
  // the workers' refills were reported to the learner, and a learner in a Worker consumed them
  await expect.poll(() => heap.stats().learning!.ring.consumed, { timeout: 10_000 }).toBeGreaterThan(before.ring.consumed);
  const consumed = heap.stats().learning!.ring.consumed;
  const learner = heap.stats().learning!.learner;
  expect(learner.mode).toBe('worker');
  // and it goes on consuming: a second burst, from this thread
  const ps: number[] = [];
  for (let i = 0; i < 20_000; i++) ps.push(heap.alloc(8 + (i % 64) * 8));
  for (const p of ps) heap.free(p);
  heap.flush();
  await expect.poll(() => heap.stats().learning!.ring.consumed, { timeout: 10_000 }).toBeGreaterThan(consumed);
  expect(heap.stats().learning!.learner.heartbeat).toBeGreaterThan(learner.heartbeat);
});

test('diagnostics see the attached workers, and count every allocation they made', async () => {
  const heap = closing(createHeap({ size: 32 << 20, counters: true, learning: false }));
  const run = await startPairs(heap.handle, 1, { rounds: 20, batch: 100, maxSmall: 4096, largeEvery: 0 });
  const during = heap.diagnostics();
  expect(JSON.parse(JSON.stringify(during))).toEqual(during);
  const attached = during.workers.filter((w) => w.state === 'attached').map((w) => w.slot);
  expect(attached).toEqual(expect.arrayContaining(run.slots));
  const reports = await run.go();
  expectIntact(reports, 1);
  const after = heap.diagnostics();
  const allocs = after.classes.reduce((n, c) => n + (c.allocs ?? 0), 0);
  const frees = after.classes.reduce((n, c) => n + (c.frees ?? 0), 0);
  expect(allocs).toBe(reports.reduce((n, r) => n + r.small, 0));
  expect(frees).toBe(allocs);
  expect(after.heap.bytes.inUse).toBe(0);
  expect(after.workers.map((w) => w.slot)).not.toEqual(expect.arrayContaining(run.slots));
});

test('a growable heap grows past its initial size while workers allocate', async () => {
  const heap = closing(createHeap({ size: 1 << 20, maxSize: 64 << 20, learning: false }));
  const initial = heap.buffer.byteLength;
  const run = await startPairs(heap.handle, 1, { rounds: 10, batch: 120, maxSmall: 16384, largeEvery: 6 });
  const reports = await run.go();
  expectIntact(reports, 1);
  for (const r of reports) {
    expect(r.nulls).toBe(0);
    expect(r.large).toBeGreaterThan(0);
  }
  expect(heap.buffer.byteLength).toBeGreaterThan(initial);
  expect(heap.stats().growth.events).toBeGreaterThan(0);
  expect(heap.validate().blocksLive).toBe(0);
});

test('a headerless heap: workers free each other\'s blocks with free(ptr, size)', async () => {
  const heap = closing(createHeap({ size: 16 << 20, headerless: true, learning: false }));
  const run = await startPairs(heap.handle, 1, { rounds: 20, batch: 200, maxSmall: 1024, largeEvery: 0 });
  const reports = await run.go();
  expectIntact(reports, 1);
  expect(heap.validate().blocksLive).toBe(0);
  expect(heap.stats().bytes.inUse).toBe(0);
});
