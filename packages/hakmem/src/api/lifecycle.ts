/**
 * A heap object's life: `flush` and `collect` give cached memory back while it runs, `detach`
 * ends this worker's use of the heap, `close` ends the heap's. After either, every call that would
 * touch the heap throws HAKMEM_CLOSED: the layers' methods check `core.closed` (`assertOpen`, or
 * through `alloc`), and `alloc` and `free`, which cannot check, are refused here (`refuseHotPath`).
 */
import { CTRL } from '@hakmem/arena';
import { closedError, type HeapClass } from './base.js';

export function Lifecycle<T extends HeapClass>(Base: T) {
  abstract class Lifecycle extends Base {
    /** Give every block this worker caches back to its span, so the memory can serve any class. */
    flush(): void {
      this.assertOpen();
      this.core.engine.flush();
    }

    /**
     * Heap-wide collect (C's mi_collect): this worker's cache back, every worker's pending frees
     * back to their spans and every span with no block out released, so the memory can serve any
     * size; other workers give their caches back at their next refill or drain. `alloc` does this
     * itself before it returns 0. False if the heap could not be stopped just now.
     */
    collect(): boolean {
      this.assertOpen();
      this.core.engine.flush();
      return this.core.backend.collect();
    }

    /**
     * This thread is done with the heap: its cached blocks go back, its slot is free for another
     * worker. Later calls on this object throw HAKMEM_CLOSED. Blocks it allocated stay allocated
     * (any worker may still free them).
     */
    detach(): void {
      if (this.core.closed) return;
      this.core.release(); // core.closed from now on
      refuseHotPath(this);
    }

    /**
     * Detach, and close the heap: a handle attached after this gets HAKMEM_CLOSED. Workers still
     * attached keep working until they detach.
     */
    async close(): Promise<void> {
      if (this.core.closed) return;
      Atomics.store(this.core.r.i32, this.core.r.ctrl + CTRL.CLOSED, 1);
      const learner = this.core.learner;
      this.core.learner = null;
      this.detach();
      await learner?.stop();
    }
  }
  return Lifecycle;
}

const throwClosed = (): never => {
  throw closedError();
};

/**
 * A closed heap's `alloc` and `free` throw HAKMEM_CLOSED too. They are the cache's own methods,
 * the hot path, which tests no flag; so the closed heap object gets `alloc` and `free` of its own
 * that throw, found before its class's (a heap still open is untouched).
 */
function refuseHotPath(heap: object): void {
  const closed = heap as { alloc: () => never; free: () => never };
  closed.alloc = throwClosed;
  closed.free = throwClosed;
}
