import { CT, CT_WORDS, PAGE_SIZE } from './layout.js';

/** How a size class is cut out of spans. */
export interface ClassGeometry {
  size: number;
  stride: number;
  spanPages: number;
  blocks: number;
}

const MIN_SPAN_PAGES = 4;
const MIN_BLOCKS = 8;

/** At least 8 blocks a span keeps the tail waste of a span under 1/8. */
export function classGeometry(size: number, headerBytes: number): ClassGeometry {
  const stride = size + headerBytes;
  const spanPages = Math.max(MIN_SPAN_PAGES, Math.ceil((MIN_BLOCKS * stride) / PAGE_SIZE));
  const blocks = Math.floor((spanPages * PAGE_SIZE) / stride);
  return { size, stride, spanPages, blocks };
}

export function checkClassSizes(sizes: readonly number[]): void {
  if (sizes.length === 0 || sizes.length > 254) throw new RangeError('1 to 254 size classes');
  let prev = 0;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 8 || s % 8 !== 0 || s <= prev) {
      throw new RangeError(`size classes must be increasing multiples of 8, at least 8 (got ${s})`);
    }
    prev = s;
  }
}

export function writeClassTable(i32: Int32Array, at: number, sizes: readonly number[], hdr: number): void {
  sizes.forEach((s, cls) => {
    const g = classGeometry(s, hdr);
    const r = (at >>> 2) + cls * CT_WORDS;
    i32[r + CT.SIZE] = g.size;
    i32[r + CT.STRIDE] = g.stride;
    i32[r + CT.SPAN_PAGES] = g.spanPages;
    i32[r + CT.BLOCKS] = g.blocks;
  });
}

export function readClassTable(i32: Int32Array, at: number, n: number): ClassGeometry[] {
  const out: ClassGeometry[] = [];
  for (let cls = 0; cls < n; cls++) {
    const r = (at >>> 2) + cls * CT_WORDS;
    out.push({
      size: i32[r + CT.SIZE], stride: i32[r + CT.STRIDE],
      spanPages: i32[r + CT.SPAN_PAGES], blocks: i32[r + CT.BLOCKS],
    });
  }
  return out;
}
