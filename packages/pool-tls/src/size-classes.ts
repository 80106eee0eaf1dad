/**
 * Size classes: usable bytes per class. 8-byte steps to 64, then four classes per power of two
 * up to 64 KiB, so a request wastes at most 25% of its block above 64 bytes (and at most 7 bytes
 * below). Sizes above the last class are not this box's business (allocSlow).
 */

export const MAX_CLASSES = 254;

/** The default size classes up to `max` bytes: 16, 24, ... 64, then four classes per power of two. */
export function defaultClassSizes(max = 65536): number[] {
  const sizes: number[] = [];
  for (let s = 16; s <= 64; s += 8) sizes.push(s);
  for (let base = 64; base < max; base *= 2) {
    for (let k = 1; k <= 4; k++) sizes.push(base + (k * base) / 4);
  }
  return sizes.filter((s) => s <= max);
}

/** size -> class, indexed by (size + 7) >>> 3: one typed-array read on the hot path. */
export function classLookup(sizes: readonly number[]): Uint8Array {
  const max = sizes[sizes.length - 1];
  const t = new Uint8Array((max >>> 3) + 1);
  let cls = 0;
  for (let i = 0; i < t.length; i++) {
    while (sizes[cls] < i * 8) cls++;
    t[i] = cls;
  }
  return t;
}
