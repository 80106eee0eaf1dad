/**
 * A worker that will not stop: it attaches, then loops without ever yielding, allocating stamped
 * blocks and checking each block's stamp before it frees it: phases of many sizes (refills, large
 * blocks from the arena: cold paths) alternate with ~30 ms phases on its own cache only (hot path,
 * no cold path where a fence could stop it). Terminated while busy, Chromium lets it run for
 * about two more seconds. When a heap call throws HAKMEM_RECLAIMED (its slot was fenced) it stops
 * using the heap, as a worker whose code threw would, and spins until Chromium ends it.
 */
import { attachHeap, type Heap } from 'hakmem';
import { damaged, rng, stamp } from './stamp.js';
import { CODES, Z } from './zombie-shared.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null };

scope.onmessage = (e: MessageEvent) => {
  const { handle, status } = e.data as { handle: Parameters<typeof attachHeap>[0]; status: Int32Array };
  const heap = attachHeap(handle) as Heap; // the test's heap has headers
  Atomics.store(status, Z.SLOT, heap.slot);
  const random = rng(0x5eed);
  const live: number[] = []; // [p, size, id] triples
  const LIVE = 3 * 1500;
  let seq = 0;
  const hot: number[] = [];
  try {
    for (;;) {
      // a mixed phase: many sizes, refills, large blocks (cold paths)
      for (let i = 0; i < 2000; i++) {
        Atomics.add(status, Z.BEAT, 1);
        const large = (seq & 63) === 63;
        const size = large ? (80 + Math.floor(random() * 120)) << 10 : 8 * (1 + Math.floor(random() * 512));
        const p = heap.alloc(size);
        if (p !== 0) {
          const id = (0x7e << 24) | (seq++ & 0xffffff);
          stamp(heap, p, size, id);
          live.push(p, size, id);
        }
        if (live.length >= LIVE || (p === 0 && live.length > 0)) {
          const k = 3 * Math.floor(random() * (live.length / 3));
          const [q, qs, qid] = live.splice(k, 3);
          if (damaged(heap, q, qs, qid) > 0) Atomics.add(status, Z.ZOMBIE_DAMAGED, 1);
          heap.free(q);
        }
        if (Atomics.load(status, Z.TERMINATED) === 1) Atomics.add(status, Z.AFTER_TERMINATE, 1);
      }
      // a hot phase of ~30 ms: the same few blocks from its own cache, no cold path at all
      const until = performance.now() + 30;
      while (performance.now() < until) {
        for (let i = 0; i < 256; i++) {
          Atomics.add(status, Z.BEAT, 1);
          for (let j = 0; j < 16; j++) {
            const p = heap.alloc(64);
            const id = (0x7e << 24) | (seq++ & 0xffffff);
            stamp(heap, p, 64, id);
            hot.push(p, id);
          }
          while (hot.length > 0) {
            const id = hot.pop()!;
            const p = hot.pop()!;
            if (damaged(heap, p, 64, id) > 0) Atomics.add(status, Z.ZOMBIE_DAMAGED, 1);
            heap.free(p);
          }
        }
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code === 'HAKMEM_RECLAIMED') Atomics.store(status, Z.FENCED, 1);
    else {
      Atomics.store(status, Z.FENCED, 2);
      Atomics.store(status, Z.OTHER_ERROR, CODES.indexOf(code) + 1);
    }
  }
  for (;;) Atomics.add(status, Z.BEAT, 1); // still busy: only Chromium ends it
};
