/**
 * A live worker that allocates, stamps, checks and frees without pause while a zombie runs and is
 * reclaimed (or, started after the reclaim, in the slot the zombie had): a block handed to it while
 * the zombie still uses it shows up as a damaged stamp, on its side or the zombie's. Stops when the page sets Z.STOP; then frees everything, detaches and
 * posts its report.
 */
import { attachHeap, type Heap } from 'hakmem';
import { damaged, rng, stamp } from './stamp.js';
import { Z } from './zombie-shared.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };

scope.onmessage = (e: MessageEvent) => {
  const { handle, status } = e.data as { handle: Parameters<typeof attachHeap>[0]; status: Int32Array };
  const heap = attachHeap(handle) as Heap; // the test's heap has headers
  const random = rng(0xc0ffee);
  const live: number[] = [];
  const LIVE = 3 * 3000;
  let seq = 0;
  let bad = 0;
  let allocs = 0;
  let error: string | null = null;
  const checkAndFree = (k: number) => {
    const [q, qs, qid] = live.splice(k, 3);
    if (damaged(heap, q, qs, qid) > 0) bad++;
    heap.free(q);
  };
  scope.postMessage({ attached: heap.slot });
  try {
    while (Atomics.load(status, Z.STOP) === 0) {
      Atomics.add(status, Z.CHURN_BEAT, 1);
      const large = (seq & 127) === 127;
      // half of them 64-byte blocks: the class the zombie's hot phase uses
      const size = large ? (80 + Math.floor(random() * 120)) << 10 : seq & 1 ? 64 : 8 * (1 + Math.floor(random() * 512));
      const p = heap.alloc(size);
      if (p !== 0) {
        allocs++;
        const id = (0x11 << 24) | (seq++ & 0xffffff);
        stamp(heap, p, size, id);
        live.push(p, size, id);
      }
      if (live.length >= LIVE || (p === 0 && live.length > 0)) checkAndFree(3 * Math.floor(random() * (live.length / 3)));
    }
    while (live.length > 0) checkAndFree(live.length - 3);
    heap.detach();
  } catch (err) {
    error = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`;
  }
  scope.postMessage({ report: { slot: heap.slot, damaged: bad, allocs, error } });
};
