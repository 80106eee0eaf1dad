import { checkClassSizes, readClassTable, writeClassTable } from './classes.js';
import { HeapError, HeapErrorCode } from './errors.js';
import {
  C, computeLayout, FLAG_HEADERLESS, LAYOUT_VERSION, MAGIC, MAX_EXTRA, PAGE_SHIFT, PAGE_SIZE, readLayout,
  slotPartial, SP, SPAN_WORDS, writeLayout, type Layout,
} from './layout.js';
import { newSalt } from './tags.js';

/** `Region.create`'s options: the buffer, where the heap goes in it, its classes and slots. */
export interface CreateRegionOptions {
  buffer: SharedArrayBuffer;
  /** byte offset of the heap in the buffer (multiple of 8) */
  base?: number;
  /** bytes from base the heap may use now; default: to the end of the buffer */
  bytes?: number;
  /** bytes from base the heap may grow to (growable buffers); default: what the buffer allows */
  maxBytes?: number;
  /** usable bytes of each size class, increasing multiples of 8 */
  classSizes: readonly number[];
  /** worker slots, the creator's included */
  slots: number;
  /** no block headers: free needs the size, misuse goes undetected */
  headerless?: boolean;
  /**
   * Words of up to 4 regions other boxes need in the shared memory (an event ring, a policy
   * table...): placed in the metadata, zeroed, their offsets recorded for attachers. The arena
   * does not know what they hold.
   */
  extraWords?: readonly number[];
  /** a tag per extra region (what it is, for readers that find it by tag) */
  extraTags?: readonly number[];
}

/** Pointers must stay positive int32 (links are stored in an Int32Array). */
export const MAX_HEAP_END = 2 ** 31 - PAGE_SIZE;

const bad = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

/**
 * One thread's view of a heap region: the buffer, a fixed-length Int32Array over all of it (a
 * length-tracking view is ~2.6x slower, TOOLCHAIN.md), and the layout numbers read once.
 */
export class Region {
  i32: Int32Array;
  /** growth generation the views were built at */
  gen: number;
  readonly ctrl: number;
  readonly spansW: number;
  readonly bitmapW: number;
  readonly data: number;
  readonly salt: number;
  readonly hdr: number;
  /** word offset of the free-list link from a block pointer's word index */
  readonly linkDelta: number;
  readonly sizes: Int32Array;
  readonly stride: Int32Array;
  readonly spanPages: Int32Array;
  readonly blocks: Int32Array;
  /** called with the new Int32Array when the buffer has grown */
  readonly onViews: Array<(i32: Int32Array) => void> = [];
  /** times this thread had to wait on a cold path (the arena lock held, the heap stopped) */
  waits = 0;

  private constructor(
    readonly buffer: SharedArrayBuffer,
    readonly layout: Layout,
  ) {
    this.i32 = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    const c = (this.ctrl = layout.base >>> 2);
    this.gen = Atomics.load(this.i32, c + C.GROW_GEN);
    this.spansW = layout.spans >>> 2;
    this.bitmapW = layout.bitmap >>> 2;
    this.data = layout.data;
    this.salt = this.i32[c + C.SALT];
    const headerless = (this.i32[c + C.FLAGS] & FLAG_HEADERLESS) !== 0;
    this.hdr = headerless ? 0 : 8;
    this.linkDelta = headerless ? 0 : -1;
    const g = readClassTable(this.i32, layout.classTable, layout.numClasses);
    this.sizes = Int32Array.from(g, (x) => x.size);
    this.stride = Int32Array.from(g, (x) => x.stride);
    this.spanPages = Int32Array.from(g, (x) => x.spanPages);
    this.blocks = Int32Array.from(g, (x) => x.blocks);
  }

  static create(o: CreateRegionOptions): Region {
    const buf = o.buffer;
    if (!(buf instanceof SharedArrayBuffer)) throw bad('buffer must be a SharedArrayBuffer');
    const base = o.base ?? 0;
    if (!Number.isInteger(base) || base < 0 || base % 8 !== 0) throw bad(`base ${base} must be a multiple of 8`);
    const bytes = o.bytes ?? buf.byteLength - base;
    const limit = Math.min((buf.growable ? buf.maxByteLength : buf.byteLength) - base, MAX_HEAP_END - base);
    const maxBytes = Math.min(o.maxBytes ?? limit, limit);
    if (!Number.isInteger(bytes) || bytes <= 0 || base + bytes > buf.byteLength) {
      throw bad(`bytes ${bytes} do not fit in the buffer (${buf.byteLength} bytes from offset ${base})`);
    }
    if (maxBytes < bytes) throw bad(`maxBytes ${maxBytes} is below bytes ${bytes}`);
    checkClassSizes(o.classSizes);
    if (!Number.isInteger(o.slots) || o.slots < 1 || o.slots > 255) throw bad('slots must be 1..255');
    const extra = o.extraWords ?? [];
    if (extra.length > MAX_EXTRA || extra.some((w) => !Number.isInteger(w) || w < 1)) {
      throw bad(`at most ${MAX_EXTRA} extra regions of a positive number of words`);
    }
    const layout = computeLayout({
      base, initialBytes: bytes, maxBytes, numClasses: o.classSizes.length, numSlots: o.slots, extraWords: extra,
      extraTags: o.extraTags,
    });
    if (layout.initialPages < 1) {
      const need = layout.data - base + PAGE_SIZE;
      throw bad(`${bytes} bytes leave no room for data: this layout needs at least ${need}`);
    }
    const i32 = new Int32Array(buf, 0, buf.byteLength >>> 2);
    // Metadata starts zeroed (a new buffer is); a reused buffer region is cleared here.
    i32.fill(0, base >>> 2, layout.data >>> 2);
    writeClassTable(i32, layout.classTable, o.classSizes, o.headerless ? 0 : 8);
    for (let s = 0; s < layout.numSlots; s++) {
      const w = (layout.slots >>> 2) + s * layout.slotWords;
      // partial-span list heads start empty (-1)
      const nc = layout.numClasses;
      i32.fill(-1, w + slotPartial(nc), w + slotPartial(nc) + nc);
    }
    i32.fill(-1, (layout.orphan >>> 2) + layout.numClasses, (layout.orphan >>> 2) + 2 * layout.numClasses);
    const c = base >>> 2;
    Atomics.store(i32, c + C.COMMITTED_PAGES, layout.initialPages);
    writeLayout(i32, layout, newSalt(), o.headerless ? FLAG_HEADERLESS : 0);
    return new Region(buf, layout);
  }

  static attach(buffer: SharedArrayBuffer, base = 0): Region {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, 'handle.buffer is not a SharedArrayBuffer');
    }
    const i32 = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    const c = base >>> 2;
    if (Atomics.load(i32, c + C.MAGIC) !== MAGIC) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, `no hakmem heap at offset ${base}`);
    }
    if (i32[c + C.VERSION] !== LAYOUT_VERSION) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, `heap layout version ${i32[c + C.VERSION]}, expected ${LAYOUT_VERSION}`);
    }
    return new Region(buffer, readLayout(i32, base));
  }

  /** Cold path: rebuild the views if another worker grew the buffer. */
  sync(): void {
    if (Atomics.load(this.i32, this.ctrl + C.GROW_GEN) !== this.gen) this.refresh();
  }

  refresh(): void {
    this.gen = Atomics.load(this.i32, this.ctrl + C.GROW_GEN);
    this.i32 = new Int32Array(this.buffer, 0, this.buffer.byteLength >>> 2);
    for (const f of this.onViews) f(this.i32);
  }

  committedPages(): number {
    return Atomics.load(this.i32, this.ctrl + C.COMMITTED_PAGES);
  }

  /** byte address where the data region currently ends */
  end(): number {
    return this.data + this.committedPages() * PAGE_SIZE;
  }

  pageAddr(pg: number): number {
    return this.data + pg * PAGE_SIZE;
  }

  pageOf(p: number): number {
    return (p - this.data) >>> PAGE_SHIFT;
  }

  /** word index of page `pg`'s span record */
  rec(pg: number): number {
    return this.spansW + pg * SPAN_WORDS;
  }

  /** first page of the run holding page `pg`, or -1 for a free page */
  headOf(pg: number): number {
    return Atomics.load(this.i32, this.rec(pg) + SP.HEAD) - 1;
  }

  /** word index of extra region `k` (see CreateRegionOptions.extraWords), -1 if there is none */
  extraW(k: number): number {
    return k < this.layout.extraAt.length ? this.layout.extraAt[k] >>> 2 : -1;
  }

  /** word index of the extra region tagged `tag`, -1 if there is none */
  extraByTag(tag: number): number {
    const k = this.layout.extraTags.indexOf(tag);
    return k < 0 ? -1 : this.extraW(k);
  }

  isClosed(): boolean {
    return Atomics.load(this.i32, this.ctrl + C.CLOSED) !== 0;
  }
}
