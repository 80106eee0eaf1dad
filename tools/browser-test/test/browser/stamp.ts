/**
 * Stamped blocks: every 32-bit word of a block holds one id, written by whoever got the block from
 * `alloc`, and checked by whoever frees it, just before the free. A block handed out twice gets
 * the second owner's id over the first's, and the first owner's check fails. Used by the test page
 * and by its Workers (both hold a heap object: views are read again after every alloc, as growth
 * replaces them).
 */
export interface StampHeap {
  readonly i32: Int32Array;
}

/** Write `id` into every word of the `size` bytes at `p` (size a multiple of 4). */
export function stamp(heap: StampHeap, p: number, size: number, id: number): void {
  heap.i32.fill(id, p >>> 2, (p + size) >>> 2);
}

/** How many words of the block at `p` do not hold `id` (0: intact). */
export function damaged(heap: StampHeap, p: number, size: number, id: number): number {
  const i32 = heap.i32;
  let bad = 0;
  for (let w = p >>> 2, end = (p + size) >>> 2; w < end; w++) if (i32[w] !== id) bad++;
  return bad;
}

/** A small deterministic generator (xorshift32), so that a failing run can be replayed. */
export function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** What a stamp worker is told to do. */
export interface StampJob {
  handle: unknown;
  /** 1..127: the top byte of every stamp this worker writes */
  id: number;
  rounds: number;
  /** blocks allocated per round; every other one goes to the peer to check and free */
  batch: number;
  /** small blocks are 8..maxSmall bytes */
  maxSmall: number;
  /** one block in this many is large (100..300 KiB); 0: none */
  largeEvery: number;
  seed: number;
}

/** What a stamp worker reports when it is done (after detach). */
export interface StampReport {
  id: number;
  slot: number;
  /** blocks allocated: small ones (size classes) and large ones */
  small: number;
  large: number;
  /** allocs that returned 0 (heap exhausted) */
  nulls: number;
  /** blocks of the peer this worker checked and freed */
  remoteFreed: number;
  /** blocks whose stamp was damaged when checked, and by whom: "<owner id>:<found id>" */
  damaged: number;
  samples: string[];
  error: string | null;
}
