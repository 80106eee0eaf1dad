/**
 * The heap's views over its whole buffer, `heap.u8` to `heap.bu64`: index them with a pointer
 * (u8[p], f64[p >>> 3], ...). They are the `Views` of src/views.ts, one set per heap object, rebuilt
 * only when the buffer has grown (see "Views and growth" in the README).
 */
import type { Views } from '../views.js';
import type { HeapClass } from './base.js';

export function BufferViews<T extends HeapClass>(Base: T) {
  abstract class BufferViews extends Base {
    /**
     * @internal The views, rebuilt first if the buffer has grown since they were built. A heap
     * that cannot grow never checks; a growable one checks the heap's growth generation (one
     * atomic load), not `buffer.byteLength` (a getter call, dearer).
     */
    currentViews(): Views {
      const v = this.core.views;
      if (v.growable) this.core.r.sync();
      return v;
    }

    /** Bytes of the whole buffer: `heap.u8[p]`. */
    get u8(): Uint8Array<SharedArrayBuffer> { return this.currentViews().u8; }
    /** `heap.i8[p]` */
    get i8(): Int8Array<SharedArrayBuffer> { return this.currentViews().i8; }
    /** `heap.u16[p >>> 1]` */
    get u16(): Uint16Array<SharedArrayBuffer> { return this.currentViews().u16; }
    /** `heap.i16[p >>> 1]` */
    get i16(): Int16Array<SharedArrayBuffer> { return this.currentViews().i16; }
    /** `heap.u32[p >>> 2]` */
    get u32(): Uint32Array<SharedArrayBuffer> { return this.currentViews().u32; }
    /** `heap.i32[p >>> 2]` */
    get i32(): Int32Array<SharedArrayBuffer> { return this.currentViews().i32; }
    /** `heap.f32[p >>> 2]` */
    get f32(): Float32Array<SharedArrayBuffer> { return this.currentViews().f32; }
    /** `heap.f64[p >>> 3]` */
    get f64(): Float64Array<SharedArrayBuffer> { return this.currentViews().f64; }
    /** `heap.bi64[p >>> 3]` */
    get bi64(): BigInt64Array<SharedArrayBuffer> { return this.currentViews().bi64; }
    /** `heap.bu64[p >>> 3]` */
    get bu64(): BigUint64Array<SharedArrayBuffer> { return this.currentViews().bu64; }
  }
  return BufferViews;
}
