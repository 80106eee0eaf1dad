/**
 * Region: one thread's view of a heap. The buffer (a memory's newest, once synced), a fixed-length
 * Int32Array over it, and the layout and class geometry read once; address arithmetic (pages,
 * span records); and following growth: sync() rebuilds the views when another worker grew the heap.
 * Making or finding the heap it views is region-open.ts.
 */
import { wordView } from './buffer.js';
import { readClassTable } from './classes.js';
import { CTRL, FLAG_HEADERLESS, PAGE_SHIFT, PAGE_SIZE, SPAN, SPAN_WORDS, type Layout } from './layout.js';
import { bufferCovering, memoryBuffer, type WasmMemory } from './memory.js';
import { createHeapIn, findHeapIn, type CreateRegionOptions } from './region-open.js';

/**
 * One thread's view of a heap region: the buffer, a fixed-length Int32Array over all of it (a
 * length-tracking view is slower on the hot path, TOOLCHAIN.md), and the layout numbers read once.
 */
export class Region {
  i32: Int32Array;
  /** the buffer the views are over: a memory's is replaced by its newer one at refresh() */
  buffer: SharedArrayBuffer;
  /** every buffer this thread has had (a memory's older ones: a view made before a grow is still the heap's) */
  private readonly buffers: SharedArrayBuffer[];
  /** the heap grows: a growable buffer, or a memory */
  readonly growable: boolean;
  /** growth generation the views were built at */
  gen: number;
  readonly ctrl: number;
  readonly spansW: number;
  readonly bitmapW: number;
  readonly data: number;
  readonly salt: number;
  readonly hdr: number;
  /** every block's alignment (8 or 16): strides are multiples of it */
  readonly align: number;
  /** bytes from a large run's first page to its block when no more alignment is asked: 0 headerless, else `align` */
  readonly largeLead: number;
  /** word offset of the free-list link from a block pointer's word index */
  readonly linkDelta: number;
  readonly sizes: Int32Array;
  readonly stride: Int32Array;
  /** per class, bytes from a span's first page to its first block (classes.ts blockLead) */
  readonly lead: Int32Array;
  readonly spanPages: Int32Array;
  readonly blocks: Int32Array;
  /** called with the new Int32Array when the buffer has grown */
  readonly onViews: Array<(i32: Int32Array) => void> = [];
  /** times this thread had to wait on a cold path (the arena lock held, the heap stopped) */
  waits = 0;

  private constructor(
    buffer: SharedArrayBuffer,
    readonly layout: Layout,
    /** the WebAssembly.Memory the heap lives in, or null for a plain buffer */
    readonly memory: WasmMemory | null = null,
  ) {
    this.buffer = buffer;
    this.buffers = [buffer];
    this.growable = memory !== null || buffer.growable;
    this.i32 = wordView(buffer);
    const c = (this.ctrl = layout.base >>> 2);
    this.gen = Atomics.load(this.i32, c + CTRL.GROW_GEN);
    this.spansW = layout.spans >>> 2;
    this.bitmapW = layout.bitmap >>> 2;
    this.data = layout.data;
    this.salt = this.i32[c + CTRL.SALT];
    const headerless = (this.i32[c + CTRL.FLAGS] & FLAG_HEADERLESS) !== 0;
    this.hdr = headerless ? 0 : 8;
    this.linkDelta = headerless ? 0 : -1;
    this.align = this.i32[c + CTRL.BLOCK_ALIGN];
    this.largeLead = headerless ? 0 : this.align;
    const g = readClassTable(this.i32, layout.classTable, layout.numClasses, this.hdr);
    this.sizes = Int32Array.from(g, (x) => x.size);
    this.stride = Int32Array.from(g, (x) => x.stride);
    this.lead = Int32Array.from(g, (x) => x.lead);
    this.spanPages = Int32Array.from(g, (x) => x.spanPages);
    this.blocks = Int32Array.from(g, (x) => x.blocks);
    // a memory's buffer as this thread got it may predate the last grow (refresh)
    if (memory !== null && buffer.byteLength < this.end()) this.refresh();
  }

  /** A new heap in a buffer or memory (region-open.ts: the options checked, the metadata written). */
  static create(o: CreateRegionOptions): Region {
    const h = createHeapIn(o);
    return new Region(h.buffer, h.layout, h.memory);
  }

  /** The heap at `base` of `buffer`, or of `memory`'s current buffer when a memory is given. */
  static attach(buffer: SharedArrayBuffer, base = 0, memory?: WasmMemory): Region {
    const h = findHeapIn(buffer, base, memory);
    return new Region(h.buffer, h.layout, h.memory);
  }

  /** Cold path: rebuild the views if another worker grew the buffer. */
  sync(): void {
    if (Atomics.load(this.i32, this.ctrl + CTRL.GROW_GEN) !== this.gen) this.refresh();
  }

  refresh(): void {
    // the generation, then the end it committed (stored before the generation), then a buffer that covers it
    this.gen = Atomics.load(this.i32, this.ctrl + CTRL.GROW_GEN);
    if (this.memory !== null) {
      // a grow (ours, another worker's, the module's) made a new buffer, which this thread may not have yet
      const b = bufferCovering(this.memory, this.end());
      if (b !== this.buffer) this.buffers.push((this.buffer = b));
    }
    this.i32 = wordView(this.buffer);
    for (const f of this.onViews) f(this.i32);
  }

  /** The buffer as it is now: a memory's newest (views may still be over an older one until refresh). */
  currentBuffer(): SharedArrayBuffer {
    return this.memory !== null ? memoryBuffer(this.memory) : this.buffer;
  }

  /** `b` is this heap's buffer, or an older buffer of its memory (a view made before a grow). */
  ownsBuffer(b: unknown): boolean {
    return b === this.buffer || (this.memory !== null && this.buffers.includes(b as SharedArrayBuffer));
  }

  committedPages(): number {
    return Atomics.load(this.i32, this.ctrl + CTRL.COMMITTED_PAGES);
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
    return Atomics.load(this.i32, this.rec(pg) + SPAN.HEAD) - 1;
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
    return Atomics.load(this.i32, this.ctrl + CTRL.CLOSED) !== 0;
  }
}
