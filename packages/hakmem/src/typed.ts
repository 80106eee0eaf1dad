/**
 * Typed arrays in the heap, the way `@thi.ng/malloc` users know them: the types (a constructor in,
 * the matching view over the heap's SharedArrayBuffer out) and the cold-path checks that turn a
 * view or a `(type, ptr, count)` triple back into a live block. Every block is 8-aligned (16 by default), which is
 * enough for every element type (Float64Array and BigInt64Array included).
 */
import { badSize, classify, HeapError, HeapErrorCode, usableSize, type Region, shown } from '@hakmem/arena';

/** Any typed array (over any buffer): what `free`, `reallocArray` and `usableSize` accept. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** A typed array constructor, as `mallocAs`, `callocAs` and `view` take it: `Float64Array`, `Uint8Array`, ... */
export type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** The view a constructor makes over the heap's buffer: `HeapArray<Float64ArrayConstructor>` is `Float64Array<SharedArrayBuffer>`. */
export type HeapArray<C extends TypedArrayConstructor> = C extends Int8ArrayConstructor ? Int8Array<SharedArrayBuffer>
  : C extends Uint8ArrayConstructor ? Uint8Array<SharedArrayBuffer>
  : C extends Uint8ClampedArrayConstructor ? Uint8ClampedArray<SharedArrayBuffer>
  : C extends Int16ArrayConstructor ? Int16Array<SharedArrayBuffer>
  : C extends Uint16ArrayConstructor ? Uint16Array<SharedArrayBuffer>
  : C extends Int32ArrayConstructor ? Int32Array<SharedArrayBuffer>
  : C extends Uint32ArrayConstructor ? Uint32Array<SharedArrayBuffer>
  : C extends Float32ArrayConstructor ? Float32Array<SharedArrayBuffer>
  : C extends Float64ArrayConstructor ? Float64Array<SharedArrayBuffer>
  : C extends BigInt64ArrayConstructor ? BigInt64Array<SharedArrayBuffer>
  : C extends BigUint64ArrayConstructor ? BigUint64Array<SharedArrayBuffer>
  : never;

const TYPES: ReadonlySet<unknown> = new Set([
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
]);

type AnyCtor = new (b: SharedArrayBuffer, off: number, n: number) => TypedArray;

/** The bytes of `count` elements of `type`; throws for anything but a typed array constructor and a count that is not a non-negative integer. */
export function arrayBytes(type: unknown, count: number): number {
  if (!TYPES.has(type)) {
    throw new HeapError(HeapErrorCode.BAD_OPTION, `${shown((type as { name?: unknown })?.name ?? type)} is not a typed array constructor (Float64Array, Uint8Array, ...)`);
  }
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw badSize(count, 'count must be a non-negative integer');
  return count * (type as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
}

/** A view of `count` elements of `type` at `p` in `buffer` (the caller has checked both). */
export function makeView<C extends TypedArrayConstructor>(type: C, buffer: SharedArrayBuffer, p: number, count: number): HeapArray<C> {
  return new (type as unknown as AnyCtor)(buffer, p, count) as HeapArray<C>;
}

/**
 * The live block `bytes` bytes at `p` lie in, checked: `p` starts a live block of this heap
 * (else the HeapError `classify` names: interior, double free, not allocated, ...) and the bytes
 * fit in it (else HAKMEM_BAD_SIZE). Returns the block's usable bytes.
 */
export function checkBlock(r: Region, p: number, bytes: number): number {
  const usable = usableSize(r, p, classify(r, p));
  if (bytes > usable) {
    throw new HeapError(HeapErrorCode.BAD_SIZE, `${bytes} bytes at ${p} do not fit in its block (${usable} usable bytes)`, p);
  }
  return usable;
}

/**
 * The block a view covers: it must be a typed array (or DataView) over this heap object's buffer,
 * starting at a live block and no longer than it. Anything else is refused, the heap untouched:
 * not a view, HAKMEM_MISALIGNED (as for any pointer that is not an integer); a view over another
 * buffer, HAKMEM_FOREIGN_POINTER; a view that does not start at a live block, the code `classify`
 * gives (interior, double free, ...).
 */
export function blockOfView(r: Region, v: unknown): number {
  if (!ArrayBuffer.isView(v)) {
    throw new HeapError(HeapErrorCode.MISALIGNED, `${Object.prototype.toString.call(v)} is neither a pointer nor a typed array`);
  }
  if (!r.ownsBuffer(v.buffer)) {
    throw new HeapError(
      HeapErrorCode.FOREIGN,
      "a view over another buffer than this heap object's (a view posted from another worker: free(view.byteOffset), or rebuild it with heap.view)",
      v.byteOffset,
    );
  }
  checkBlock(r, v.byteOffset, v.byteLength);
  return v.byteOffset;
}
