/**
 * A toy backend for testing Box 1 alone: blocks bump-allocated from a SharedArrayBuffer, headers
 * tagged like the arena does, a limit to test exhaustion. Also shows that pool-tls works without
 * the arena (DESIGN: a user can put the cache on a backend of their own).
 */
import { installChain, takeChain } from '../src/chain.js';
import { ThreadCache, type CacheBase } from '../src/cache.js';

export const ALLOC_TAG = 0x11 << 16;
export const FREE_TAG = 0x22 << 16;
export const HEADS = 16;

export class ToyBackend {
  readonly i32: Int32Array;
  next = 65536;
  refills = 0;
  drains: Array<{ cls: number; n: number }> = [];
  returned = new Set<number>();
  readonly out = new Int32Array(2);

  constructor(
    readonly sizes: number[],
    readonly limit = 1 << 20,
  ) {
    this.i32 = new Int32Array(new SharedArrayBuffer(limit));
  }

  /** n fresh blocks of class cls, linked, tagged "free in cache" */
  refill(c: CacheBase, cls: number, n: number): number {
    this.refills++;
    const stride = this.sizes[cls] + 8;
    let head = 0;
    let tail = 0;
    let k = 0;
    for (; k < n && this.next + stride <= this.limit; k++) {
      const p = this.next + 8;
      this.next += stride;
      this.i32[(p >>> 2) - 2] = FREE_TAG | cls;
      if (k === 0) head = p;
      else this.i32[(tail >>> 2) - 1] = p;
      tail = p;
    }
    if (k === 0) return 0;
    installChain(c, cls, head, tail, k);
    return head;
  }

  drain(c: CacheBase, cls: number): void {
    const n = c.cached(cls) - (c.boundOf(cls) >>> 1);
    let p = takeChain(c, cls, n, this.out);
    this.drains.push({ cls, n: this.out[1] });
    for (let k = 0; k < this.out[1]; k++) {
      this.returned.add(p);
      p = this.i32[(p >>> 2) - 1];
    }
  }
}

export function toyCache(sizes: number[], bounds: number[], refillN = 4, limit?: number) {
  const b = new ToyBackend(sizes, limit);
  const slow: number[] = [];
  const c: ThreadCache = new ThreadCache({
    i32: b.i32,
    heads: HEADS,
    classSizes: sizes,
    bounds,
    allocTag: ALLOC_TAG,
    freeTag: FREE_TAG,
    refiller: {
      refill: (cls) => b.refill(c, cls, refillN),
      drain: (cls) => b.drain(c, cls),
    },
    fallback: {
      allocSlow: (size) => {
        slow.push(size);
        return -1;
      },
      freeSlow: (p) => {
        slow.push(p);
      },
    },
  });
  return { c, b, slow };
}
