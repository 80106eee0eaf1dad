/**
 * Size classes cut from spans: for each class its stride (size plus header, rounded up to the
 * heap's block alignment), its lead (where a span's first block starts), the pages of its spans
 * and the blocks in one (classGeometry); the class sizes a heap accepts; the class table of the
 * layout, written at creation and read by every attacher.
 */
import { HeapError, HeapErrorCode, shown } from './errors.js';
import { CLASS_ROW, CLASS_ROW_WORDS, PAGE_SIZE } from './layout.js';

/** How a size class is cut out of spans. */
export interface ClassGeometry {
  size: number;
  /** bytes from one block to the next (header included), a multiple of the heap's block alignment */
  stride: number;
  /** bytes from a span's first page to its first block (see `blockLead`) */
  lead: number;
  spanPages: number;
  blocks: number;
}

const MIN_SPAN_PAGES = 4;
const MIN_BLOCKS = 8;

/** Block alignments a heap can have (`align` of createHeap): 16 (C's max_align_t on wasm32), or 8. */
export const BLOCK_ALIGNS: readonly number[] = [8, 16];
/** The default block alignment. */
export const DEFAULT_BLOCK_ALIGN = 16;

/** The largest power of two that divides `n` (n > 0), at most a page. */
const pow2Div = (n: number): number => Math.min(n & -n || PAGE_SIZE, PAGE_SIZE);

/**
 * Where a span's first block starts, from the span's first page. Headerless: at 0. With headers:
 * at the largest power of two dividing the stride (at most a page, at least the 8-byte header
 * before it), so every block of a class whose stride is a multiple of some A <= page size is
 * A-aligned: `alignedAlloc` serves A-aligned requests from such classes. The bytes before the
 * first header (lead - 8) are less than one block.
 */
export const blockLead = (stride: number, headerBytes: number): number => (headerBytes === 0 ? 0 : pow2Div(stride));

/**
 * Strides are `size + header` rounded up to `align`, so every block is `align`-aligned (the
 * blocks of a span start at `lead`, itself a multiple of `align`). At least 8 blocks a span keeps
 * the tail waste of a span under 1/8.
 */
export function classGeometry(size: number, headerBytes: number, align = DEFAULT_BLOCK_ALIGN): ClassGeometry {
  const stride = Math.ceil((size + headerBytes) / align) * align;
  const lead = blockLead(stride, headerBytes);
  // block k's bytes, header included: [lead - header + k * stride, lead - header + (k + 1) * stride)
  const before = lead - headerBytes;
  const spanPages = Math.max(MIN_SPAN_PAGES, Math.ceil((before + MIN_BLOCKS * stride) / PAGE_SIZE));
  const blocks = Math.floor((spanPages * PAGE_SIZE - before) / stride);
  return { size, stride, lead, spanPages, blocks };
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
      throw bad(`classSizes must be increasing multiples of 8 in [8, ${MAX_CLASS_SIZE}] (got ${shown(s)})`);
    }
    prev = s;
  }
}

export function writeClassTable(i32: Int32Array, at: number, sizes: readonly number[], hdr: number, align: number): void {
  sizes.forEach((s, cls) => {
    const g = classGeometry(s, hdr, align);
    const r = (at >>> 2) + cls * CLASS_ROW_WORDS;
    i32[r + CLASS_ROW.SIZE] = g.size;
    i32[r + CLASS_ROW.STRIDE] = g.stride;
    i32[r + CLASS_ROW.SPAN_PAGES] = g.spanPages;
    i32[r + CLASS_ROW.BLOCKS] = g.blocks;
  });
}

export function readClassTable(i32: Int32Array, at: number, n: number, hdr: number): ClassGeometry[] {
  const out: ClassGeometry[] = [];
  for (let cls = 0; cls < n; cls++) {
    const r = (at >>> 2) + cls * CLASS_ROW_WORDS;
    out.push({
      size: i32[r + CLASS_ROW.SIZE], stride: i32[r + CLASS_ROW.STRIDE], lead: blockLead(i32[r + CLASS_ROW.STRIDE], hdr),
      spanPages: i32[r + CLASS_ROW.SPAN_PAGES], blocks: i32[r + CLASS_ROW.BLOCKS],
    });
  }
  return out;
}
