/**
 * Typed-array views over the buffer (up to 4 GiB, past which no pointer reaches: see viewBytes),
 * indexed by a pointer shifted by the element size (`>>>`: pointers are unsigned). One set per heap
 * object (`heap.u8` & co., src/api/buffer-views.ts), replaced only when the buffer has grown: reading
 * `heap.f64` in a loop costs a field read (a growable heap adds one atomic load of the growth
 * generation).
 */
import { viewBytes } from '@hakmem/arena';

export class Views {
  u8!: Uint8Array<SharedArrayBuffer>;
  i8!: Int8Array<SharedArrayBuffer>;
  u16!: Uint16Array<SharedArrayBuffer>;
  i16!: Int16Array<SharedArrayBuffer>;
  u32!: Uint32Array<SharedArrayBuffer>;
  i32!: Int32Array<SharedArrayBuffer>;
  f32!: Float32Array<SharedArrayBuffer>;
  f64!: Float64Array<SharedArrayBuffer>;
  bi64!: BigInt64Array<SharedArrayBuffer>;
  bu64!: BigUint64Array<SharedArrayBuffer>;
  /** bytes the views cover */
  length = 0;
  constructor(
    /** the buffer the views are over (a memory's is replaced by a newer one as it grows) */
    public buffer: SharedArrayBuffer,
    /** the heap can grow (a growable buffer, a memory): readers check the growth generation first */
    readonly growable: boolean,
  ) {
    this.rebuild(buffer);
  }

  /** Fixed-length views over `b`: length-tracking ones are much slower to index (BENCHMARKS.md). */
  rebuild(b: SharedArrayBuffer): void {
    this.buffer = b;
    // n may be 2^32 (a full wasm32 memory), where `n >>> 2` would be 0
    const n = viewBytes(b);
    this.length = n;
    this.u8 = new Uint8Array(b, 0, n);
    this.i8 = new Int8Array(b, 0, n);
    this.u16 = new Uint16Array(b, 0, Math.floor(n / 2));
    this.i16 = new Int16Array(b, 0, Math.floor(n / 2));
    this.u32 = new Uint32Array(b, 0, Math.floor(n / 4));
    this.i32 = new Int32Array(b, 0, Math.floor(n / 4));
    this.f32 = new Float32Array(b, 0, Math.floor(n / 4));
    this.f64 = new Float64Array(b, 0, Math.floor(n / 8));
    this.bi64 = new BigInt64Array(b, 0, Math.floor(n / 8));
    this.bu64 = new BigUint64Array(b, 0, Math.floor(n / 8));
  }
}
