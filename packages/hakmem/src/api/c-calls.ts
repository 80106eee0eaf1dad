/**
 * The heap's calls named after C's allocation functions: `calloc`, `realloc`, `alignedAlloc`
 * (`aligned_alloc`) and `usableSize` (`malloc_usable_size`, also as the older `sizeOf`), all built
 * on the cache's `alloc` and `free`. They throw on misuse as the rest of the heap does; C's own
 * semantics for a WebAssembly module (NULL instead of an exception) are in src/c-imports.ts.
 */
import { badSize, classify, HeapError, HeapErrorCode, usableSize, shown } from '@hakmem/arena';
import { blockOfView, type TypedArray } from '../typed.js';
import type { HeapClass } from './base.js';

/** The largest alignment `alignedAlloc` takes. */
export const MAX_ALIGN = 2 ** 30;

/** Throws HAKMEM_BAD_ALIGN unless `align` is a power of two in [1, MAX_ALIGN]. */
function checkAlign(align: unknown): void {
  if (typeof align !== 'number' || !Number.isInteger(align) || align < 1 || align > MAX_ALIGN || (align & (align - 1)) !== 0) {
    throw new HeapError(HeapErrorCode.BAD_ALIGN, `alignment ${shown(align)} is not a power of two in [1, 2^30]`);
  }
}

export function CCalls<T extends HeapClass<{ readonly u8: Uint8Array<SharedArrayBuffer> }>>(Base: T) {
  abstract class CCalls extends Base {
    /**
     * A block of at least `size` bytes whose address is a multiple of `align`, a power of two
     * from 1 to 2^30 (C's `aligned_alloc`); 0 when the heap is exhausted. Every block is already
     * aligned to the heap's `align` (16 by default): asking that much or less is `alloc(size)`.
     * More: a block of the smallest class whose blocks all have that alignment, or else (and
     * above the page size, 4 KiB) a large block placed at an aligned address in its run, with up
     * to `align` bytes unused before it. Free it, resize it, ask its size as any block: with
     * `free(p)`; in a headerless heap with `free(p, heap.usableSize(p))` (its class may be above
     * the one `size` maps to). HAKMEM_BAD_ALIGN for another `align`, HAKMEM_BAD_SIZE as `alloc`.
     */
    alignedAlloc(align: number, size: number): number {
      this.assertOpen();
      checkAlign(align);
      const core = this.core;
      if (align <= core.r.align) return this.alloc(size);
      core.checkSize(size);
      const cls = core.alignedClass(align, size);
      if (cls >= 0) return this.alloc(core.r.sizes[cls]);
      // headerless: a large block's usable size must stay above every class, or free(p, usableSize(p)) would file it under one
      return core.allocLarge(core.r.hdr === 0 ? Math.max(size, this.maxSmall + 1) : size, align);
    }

    /** `count * size` bytes, zeroed; 0 when the heap is exhausted. */
    calloc(count: number, size = 1): number {
      this.assertOpen();
      // checked before the product: a BigInt or a Symbol throws a TypeError at `*`
      const ok = Number.isSafeInteger(count) && Number.isSafeInteger(size) && count >= 0 && size >= 0;
      const bytes = ok ? count * size : Number.NaN;
      if (!Number.isSafeInteger(bytes)) {
        throw badSize(`${shown(count)} * ${shown(size)}`, 'count and size must be non-negative integers with an exact product');
      }
      const p = this.alloc(bytes);
      if (p !== 0) this.u8.fill(0, p, p + bytes);
      return p;
    }

    /**
     * A block of `size` bytes that starts with the bytes of `p`'s block; `p` is freed when the
     * block moves. 0 when the heap is exhausted, and then `p` is untouched. realloc(0, n) = alloc(n).
     */
    realloc(p: number, size: number): number {
      this.assertOpen();
      if (p === 0) return this.alloc(size);
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw badSize(size, 'not a non-negative integer');
      const old = this.sizeOf(p);
      // Stay in place while the block is big enough and at most twice what is asked.
      if (size <= old && size >= old >>> 1) return p;
      const q = this.alloc(size);
      if (q === 0) return 0;
      this.u8.copyWithin(q, p, p + Math.min(old, size));
      this.freeLive(p);
      return q;
    }

    /**
     * Usable bytes of the live block `p` (C's `malloc_usable_size`): at least what was asked,
     * all of it the caller's to use. Takes a view too (its block's usable bytes). Throws a
     * HeapError for anything that is not a live block of this heap.
     */
    usableSize(p: number | TypedArray): number {
      this.assertOpen();
      const r = this.core.r;
      if (typeof p !== 'number') p = blockOfView(r, p);
      return usableSize(r, p, classify(r, p));
    }

    /**
     * Usable bytes of the live block `p` (at least what was asked); throws for anything else.
     * @deprecated the same as {@link usableSize}, its C name (`malloc_usable_size`).
     */
    sizeOf(p: number): number {
      this.assertOpen();
      const r = this.core.r;
      return usableSize(r, p, classify(r, p));
    }
  }
  return CCalls;
}
