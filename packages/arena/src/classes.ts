import { HeapError, HeapErrorCode } from './errors.js';
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

/** Largest class size: a span of one class must stay a run the arena can place. */
export const MAX_CLASS_SIZE = 1 << 24;

/** Throws HAKMEM_BAD_OPTION unless `sizes` are 1 to 254 increasing multiples of 8 in [8, 2^24]. */
export function checkClassSizes(sizes: readonly number[]): void {
  const bad = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);
  if (!Array.isArray(sizes) || sizes.length === 0 || sizes.length > 254) throw bad('classSizes: 1 to 254 size classes');
  let prev = 0;
  for (const s of sizes) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 8 || s % 8 !== 0 || s <= prev || s > MAX_CLASS_SIZE) {
      throw bad(`classSizes must be increasing multiples of 8 in [8, ${MAX_CLASS_SIZE}] (got ${String(s)})`);
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
