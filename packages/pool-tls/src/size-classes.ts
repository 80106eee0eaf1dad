/**
 * Size classes: usable bytes per class. 8-byte steps to 64, then four classes per power of two
 * up to 64 KiB, so a request wastes at most 25% of its block above 64 bytes (and at most 7 bytes
 * below). Sizes above the last class are not this box's business (allocSlow).
 */

import { badOption, shownValue } from './errors.js';

/** The most size classes a cache can have (a class is one byte of a block's tag; 255 is large). */
export const MAX_CLASSES = 254;
/** Largest class size: the lookup table has a byte per 8 bytes of it. */
export const MAX_CLASS_SIZE = 1 << 24;

/** The default size classes up to `max` bytes: 16, 24, ... 64, then four classes per power of two. */
export function defaultClassSizes(max = 65536): number[] {
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 64 || max > MAX_CLASS_SIZE) {
    throw badOption(`defaultClassSizes(max): max ${shownValue(max)} must be an integer in [64, ${MAX_CLASS_SIZE}]`);
  }
  const sizes: number[] = [];
  for (let s = 16; s <= 64; s += 8) sizes.push(s);
  for (let base = 64; base < max; base *= 2) {
    for (let k = 1; k <= 4; k++) sizes.push(base + (k * base) / 4);
  }
  return sizes.filter((s) => s <= max);
}

/** size -> class, indexed by (size + 7) >>> 3: one typed-array read on the hot path. */
export function classLookup(sizes: readonly number[]): Uint8Array {
  checkClassSizes(sizes);
  const max = sizes[sizes.length - 1];
  const t = new Uint8Array((max >>> 3) + 1);
  let cls = 0;
  for (let i = 0; i < t.length; i++) {
    while (sizes[cls] < i * 8) cls++;
    t[i] = cls;
  }
  return t;
}

/** Throws HAKMEM_BAD_OPTION unless `sizes` are 1 to MAX_CLASSES increasing integers in [8, MAX_CLASS_SIZE]. */
export function checkClassSizes(sizes: readonly number[]): void {
  if (!Array.isArray(sizes) || sizes.length < 1 || sizes.length > MAX_CLASSES) throw badOption(`classSizes: 1 to ${MAX_CLASSES} size classes`);
  sizes.forEach((size, i) => {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 8 || (i > 0 && size <= sizes[i - 1]) || size > MAX_CLASS_SIZE) {
      throw badOption(`classSizes must be increasing integers in [8, ${MAX_CLASS_SIZE}] (got ${shownValue(size)})`);
    }
  });
}
