/**
 * A terminated worker that keeps running. Chromium lets a busy Worker run on for about two seconds
 * after `terminate()`, so `terminate()` is no fence. `await heap.reclaimTerminated(slot,
 * { quietMs })` fences the slot at once (the zombie's next cold path throws HAKMEM_RECLAIMED) and
 * reclaims it once the slot has been quiet for quietMs. While the zombie runs and after, a live
 * worker, a worker attached right after the reclaim (in the zombie's slot) and this page allocate
 * stamped blocks and check them before each free: nothing may be handed out twice, and validate()
 * must pass throughout. (Planted: without the fence the zombie is not fenced; without the fence
 * and with an immediate reclaim, the new worker finds the zombie's blocks in its slot.)
 */
import { createHeap } from 'hakmem';
import { expect, test } from 'vitest';
import { damaged, stamp } from './stamp.js';
import { CODES, Z } from './zombie-shared.js';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Wait until `read()` stops changing for `stillMs` (a thread that no longer runs). */
async function stillFor(read: () => number, stillMs: number, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  let last = read();
  let since = performance.now();
  while (performance.now() < end) {
    await sleep(50);
    const now = read();
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since >= stillMs) return;
  }
  throw new Error(`still moving after ${timeoutMs} ms`);
}

test('a terminated worker that keeps running is fenced, then reclaimed: nothing handed out twice', async () => {
  const heap = createHeap({ size: 64 << 20, learning: false });
  const status = new Int32Array(new SharedArrayBuffer(Z.WORDS * 4));
  Atomics.store(status, Z.SLOT, -1);

  type ChurnReport = { slot: number; damaged: number; allocs: number; error: string | null };
  const startChurn = async () => {
    const w = new Worker(new URL('./churn-worker.ts', import.meta.url), { type: 'module' });
    const failed = new Promise<never>((_, fail) => w.addEventListener('error', (e) => fail(new Error(`a live worker failed: ${e.message}`))));
    const attached = Promise.race([failed, new Promise<number>((ok) => w.addEventListener('message', (e) => e.data?.attached !== undefined && ok(e.data.attached)))]);
    const report = Promise.race([failed, new Promise<ChurnReport>((ok) => w.addEventListener('message', (e) => e.data?.report && ok(e.data.report)))]);
    report.catch(() => {}); // awaited later; a failure before that is not unhandled
    w.postMessage({ handle: heap.handle, status });
    return { w, slot: await attached, report };
  };
  const churn = await startChurn();

  const zombie = new Worker(new URL('./zombie-worker.ts', import.meta.url), { type: 'module' });
  zombie.postMessage({ handle: heap.handle, status });
  await expect.poll(() => Atomics.load(status, Z.BEAT), { timeout: 10_000 }).toBeGreaterThan(20_000);
  const slot = Atomics.load(status, Z.SLOT);
  expect(slot).toBeGreaterThan(0);

  // this page's own stamped blocks, kept across the whole episode and checked at the end
  const mine: [number, number, number][] = [];
  const mineMore = (n: number) => {
    for (let i = 0; i < n; i++) {
      const size = 8 * (1 + ((i * 37) % 256));
      const p = heap.alloc(size);
      if (p === 0) continue;
      const id = (0x22 << 24) | mine.length;
      stamp(heap, p, size, id);
      mine.push([p, size, id]);
    }
  };
  mineMore(500);
  const errors: string[] = [];
  const check = (when: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (errors.length < 5) errors.push(`${when}: ${(e as Error).message}`);
    }
  };

  zombie.terminate();
  Atomics.store(status, Z.TERMINATED, 1);
  const beatAtTerminate = Atomics.load(status, Z.BEAT);
  const reclaimed = heap.reclaimTerminated(slot, { quietMs: 200 });
  let settled = false;
  void reclaimed.then(() => (settled = true), () => (settled = true));

  // while the zombie runs on: allocate, and check the heap, until the reclaim is done
  let validations = 0;
  while (!settled) {
    check('while reclaiming', () => {
      mineMore(200);
      heap.validate();
    });
    validations++;
    await sleep(20);
  }
  await reclaimed;
  check('reclaimed', () => heap.validate());
  const slotFreed = !heap.attachedSlots().includes(slot);
  // a new worker attaches at once, in the zombie's slot if it is free, while the zombie may run on
  const successor = await startChurn();

  // the zombie dies (Chromium ends it); if it ran on, its next cold path threw HAKMEM_RECLAIMED
  await stillFor(() => Atomics.load(status, Z.BEAT), 500, 10_000);
  // read at its end, not when the reclaim settles: a zombie descheduled through the reclaim's quiet
  // time (a loaded machine) runs on later, into the fence
  const ranOn = Atomics.load(status, Z.BEAT) > beatAtTerminate;
  check('zombie gone', () => heap.validate());

  // after: the heap goes on serving this page and the live worker with the zombie's memory back
  check('after', () => mineMore(2000));
  await sleep(300);
  Atomics.store(status, Z.STOP, 1);
  const reports = await Promise.all([churn.report, successor.report]);
  churn.w.terminate();
  successor.w.terminate();
  const other = Atomics.load(status, Z.OTHER_ERROR);
  const outcome = {
    zombieRanOnAfterTerminate: ranOn,
    zombieFenced: Atomics.load(status, Z.FENCED) === 1,
    zombieOtherError: other ? CODES[other - 1] ?? 'unknown' : null,
    zombieFoundDamaged: Atomics.load(status, Z.ZOMBIE_DAMAGED),
    liveWorkersFoundDamaged: reports.map((r) => r.damaged),
    liveWorkerErrors: reports.map((r) => r.error),
    pageFoundDamaged: mine.filter(([p, size, id]) => damaged(heap, p, size, id) > 0).length,
    heapErrors: errors,
    slotFreed,
  };
  expect(outcome).toEqual({
    zombieRanOnAfterTerminate: true,
    zombieFenced: true,
    zombieOtherError: null,
    zombieFoundDamaged: 0,
    liveWorkersFoundDamaged: [0, 0],
    liveWorkerErrors: [null, null],
    pageFoundDamaged: 0,
    heapErrors: [],
    slotFreed: true,
  });
  expect(validations).toBeGreaterThan(0);
  console.log(`zombie slot ${slot}, the successor attached in slot ${successor.slot}; ${validations} checks while reclaiming`);
  for (const [p] of mine) heap.free(p);
  heap.validate();
  await heap.close();
});
