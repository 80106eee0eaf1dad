/**
 * How much of a buffer a heap can use. Pointers and sizes are unsigned 32-bit, so a heap ends by
 * 2^32 (MAX_HEAP_END), and every view covers at most that much of its buffer (viewBytes,
 * wordView): a longer buffer's rest is not the heap's.
 */

/**
 * The highest byte a heap may reach: 2^32, a full wasm32 memory. Pointers and sizes are unsigned
 * 32-bit: shared words hold their bits (an Int32Array reads them back signed), and every read that
 * is compared, ordered, range-checked or handed out is made unsigned (`>>> 0`) first.
 */
export const MAX_HEAP_END = 2 ** 32;

/**
 * Bytes of a buffer the views cover: all of it, up to 4 GiB, past which no pointer reaches (a
 * longer buffer's rest is not the heap's). A typed array of 2^32 bytes is the longest V8 builds,
 * and `byteLength >>> 2` wraps to 0 at 2^32: views are sized with a division.
 */
export const VIEW_LIMIT = MAX_HEAP_END;
/** The bytes of `buffer` a view covers: all of it, up to VIEW_LIMIT. */
export const viewBytes = (buffer: SharedArrayBuffer): number => Math.min(buffer.byteLength, VIEW_LIMIT);
/** an Int32Array over the first viewBytes(buffer) bytes */
export const wordView = (buffer: SharedArrayBuffer): Int32Array => new Int32Array(buffer, 0, Math.floor(viewBytes(buffer) / 4));
