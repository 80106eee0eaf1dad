/** Helpers the runners share. None of them is a loop function: each runner has its own. */
import { FNV_BASIS, mix } from '../params.js';
import type { MemoryProbe } from '../../memory/sampler.js';

/** Bytes of every fixed heap in the JS runners (hakmem, the limit, the MemPools). */
export const HEAP_BYTES = 64 << 20;

/**
 * hakmem's memory words (packages/arena/src/layout.ts, control block words from the heap's base):
 * COMMITTED_PAGES = 32, USED_PAGES = 40, pages of 4 KiB. The bench reads them as any reader may,
 * with Atomics.load; test/memory.test.ts checks them against heap.stats().
 */
const C_COMMITTED_PAGES = 32;
const C_USED_PAGES = 40;
const PAGE_BYTES = 4096;

export function hakmemProbe(heap: { buffer: SharedArrayBuffer; byteOffset: number }): MemoryProbe {
  const ctrl = heap.byteOffset >>> 2;
  return {
    kind: 'reserved',
    main: 'reserved',
    source: {
      buffer: heap.buffer,
      words: [
        { name: 'reserved', index: ctrl + C_USED_PAGES, scale: PAGE_BYTES },
        { name: 'committed', index: ctrl + C_COMMITTED_PAGES, scale: PAGE_BYTES },
      ],
    },
  };
}

/** thi.ng's MemPool and smo's MemoryBuffer keep their state at the buffer's start: top is word 2. */
export function poolTopProbe(buffer: SharedArrayBuffer): MemoryProbe {
  return { kind: 'pool-top', main: 'top', source: { buffer, words: [{ name: 'top', index: 2, scale: 1 }] } };
}

/** Live slots of an offset table (0 = empty). */
export function liveOffsets(slots: Int32Array): number {
  let n = 0;
  for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) n++;
  return n;
}

/** Hash over (idx, first byte) of every live slot of an offset table. */
export function fingerprintOffsets(slots: Int32Array, u8: Uint8Array): number {
  let h = FNV_BASIS;
  for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) h = mix(mix(h, i), u8[slots[i]]);
  return h;
}

interface CheckedHeap {
  validate(): unknown;
  stats(): {
    bytes: { inUse: number };
    classes: Array<{ cached: number; size: number }>;
    worker: { refills: number[]; drains: number[] };
    learning: null | {
      ring: { pushed: number; dropped: number; dropRate: number };
      learner: { decisions: number; cpuMs: number | null };
    };
  };
  diagnostics(): { classes: Array<{ allocs: number | null }> };
}

/**
 * hakmem's own word on the heap after the drain: every invariant holds, and no byte is in use;
 * with what the refill path did (refills, drains, bytes held in caches) and what the learner did.
 */
export function heapCheck(heap: CheckedHeap) {
  let validate: string;
  try {
    heap.validate();
    validate = 'ok';
  } catch (e) {
    validate = String(e);
  }
  const s = heap.stats();
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const l = s.learning;
  const d = heap.diagnostics();
  return {
    validate,
    inUse: s.bytes.inUse,
    refills: sum(s.worker.refills),
    drains: sum(s.worker.drains),
    cachedBytes: s.classes.reduce((a, c) => a + c.cached * c.size, 0),
    // allocs the counting flavour counted (small blocks; null when counters are off)
    countedAllocs: d.classes.every((c) => c.allocs !== null) ? d.classes.reduce((a, c) => a + (c.allocs ?? 0), 0) : null,
    learning: l ? { events: l.ring.pushed, dropped: l.ring.dropped, dropRate: l.ring.dropRate, decisions: l.learner.decisions, learnerCpuMs: l.learner.cpuMs } : null,
  };
}

/**
 * Wait (outside any timed region) until a heap's learner has left 'starting': its Worker has taken
 * the role, or it fell back or stopped. At most `ms` milliseconds; a heap without learning returns at once.
 */
export function settleLearner(heap: { stats(): { learning: null | { learner: { mode: string } } } }, ms = 10_000): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const until = Date.now() + ms;
  while (heap.stats().learning?.learner.mode === 'starting' && Date.now() < until) Atomics.wait(nap, 0, 0, 2);
}
