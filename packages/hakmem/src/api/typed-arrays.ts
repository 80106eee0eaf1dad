/**
 * Typed arrays in blocks of the heap, the way `@thi.ng/malloc` users know them: `mallocAs` and
 * `callocAs` give a view over a new block, `reallocArray` resizes it, `view` rebuilds one from
 * `(type, ptr, count)` in another worker, and `free(view)` gives its block back. The types and the
 * checks that turn a view back into a live block are in src/typed.ts.
 */
import { arrayBytes, blockOfView, checkBlock, makeView, type HeapArray, type TypedArray, type TypedArrayConstructor } from '../typed.js';
import type { HeapClass } from './base.js';

type Needs = { readonly u8: Uint8Array<SharedArrayBuffer>; realloc(p: number, size: number): number };

export function TypedArrays<B extends HeapClass<Needs>>(Base: B) {
  abstract class TypedArrays extends Base {
    /**
     * A typed array of `count` elements of `type` (a constructor: `Float64Array`, `BigInt64Array`,
     * ...) in a new block, aligned for its element type; `undefined` when the heap is exhausted
     * (as `@thi.ng/malloc` does). Free it with `free(view)`; `count` 0 gives an empty view over a
     * block of its own, to be freed too. Throws HAKMEM_BAD_SIZE for a count that is not a
     * non-negative integer or too large for the heap, HAKMEM_BAD_OPTION for a `type` that is not
     * a typed array constructor.
     */
    mallocAs<C extends TypedArrayConstructor>(type: C, count: number): HeapArray<C> | undefined {
      const p = this.alloc(arrayBytes(type, count));
      return p === 0 ? undefined : makeView(type, this.buffer, p, count);
    }

    /** `mallocAs`, zeroed. */
    callocAs<C extends TypedArrayConstructor>(type: C, count: number): HeapArray<C> | undefined {
      const bytes = arrayBytes(type, count);
      const p = this.alloc(bytes);
      if (p === 0) return undefined;
      this.u8.fill(0, p, p + bytes);
      return makeView(type, this.buffer, p, count);
    }

    /**
     * A view of `count` elements of the type of `view`, holding its elements (as many as fit):
     * the block is resized as `realloc` does, and `view` must not be used after (its block may
     * have moved and been freed). `undefined` when the heap is exhausted, and then `view` is
     * untouched. `view` must start at a live block of this heap (else a HeapError, as `free(view)`).
     */
    reallocArray<T extends TypedArray>(view: T, count: number): T | undefined {
      const p = blockOfView(this.core.r, view);
      const q = this.realloc(p, arrayBytes(view.constructor, count));
      return q === 0 ? undefined : (makeView(view.constructor as TypedArrayConstructor, this.buffer, q, count) as unknown as T);
    }

    /**
     * The view `mallocAs` gave, rebuilt from `(type, ptr, count)`: in another worker (post the
     * pointer and the count, not the view), or after the buffer has grown. Checked: `ptr` must
     * start a live block of this heap and the elements fit in it (else a HeapError).
     */
    view<C extends TypedArrayConstructor>(type: C, ptr: number, count: number): HeapArray<C> {
      this.assertOpen();
      const bytes = arrayBytes(type, count);
      checkBlock(this.core.r, ptr, bytes);
      // a block another worker carved from a memory grown since this worker last looked
      if (ptr + bytes > this.buffer.byteLength) this.core.r.refresh();
      return makeView(type, this.buffer, ptr, count);
    }

    /** @internal free(view) arrives here through the Fallback's freeSlow: check the view, free its block. */
    freeView(v: unknown): void {
      this.freeLive(blockOfView(this.core.r, v));
    }
  }
  return TypedArrays;
}
