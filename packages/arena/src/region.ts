import { BLOCK_ALIGNS, checkClassSizes, DEFAULT_BLOCK_ALIGN, readClassTable, writeClassTable } from './classes.js';
import { HeapError, HeapErrorCode } from './errors.js';
import {
  C, computeLayout, CONTROL_WORDS, FLAG_HEADERLESS, LAYOUT_VERSION, MAGIC, MAX_EXTRA, PAGE_SHIFT, PAGE_SIZE, readLayout,
  S, SLOT_ATTACHED, slotPartial, SP, SPAN_WORDS, writeLayout, type Layout,
} from './layout.js';
import { newSalt } from './tags.js';
import { growMemory, isSharedMemory, memoryBuffer, memoryMaxBytes, type WasmMemory } from './memory.js';

/** `Region.create`'s options: the buffer, where the heap goes in it, its classes and slots. */
export interface CreateRegionOptions {
  /** the buffer the heap goes in (or give `memory`) */
  buffer?: SharedArrayBuffer;
  /**
   * a shared WebAssembly.Memory instead of a buffer: the heap takes its current buffer, grows it
   * with `memory.grow` up to its maximum (or maxBytes) and follows its new buffers
   */
  memory?: WasmMemory;
  /** byte offset of the heap in the buffer (multiple of 8) */
  base?: number;
  /** bytes from base the heap may use now; default: to the end of the buffer (a memory too small for the metadata is grown) */
  bytes?: number;
  /** bytes from base the heap may grow to (growable buffers, memories); default: what the buffer or memory allows */
  maxBytes?: number;
  /** usable bytes of each size class, increasing multiples of 8 */
  classSizes: readonly number[];
  /** worker slots, the creator's included */
  slots: number;
  /** no block headers: free needs the size, misuse goes undetected */
  headerless?: boolean;
  /** every block's alignment: 16 (the default: C's max_align_t on wasm32) or 8 (denser small classes) */
  align?: number;
  /**
   * Words of up to 4 regions other boxes need in the shared memory (an event ring, a policy
   * table...): placed in the metadata, zeroed, their offsets recorded for attachers. The arena
   * does not know what they hold.
   */
  extraWords?: readonly number[];
  /** a tag per extra region (what it is, for readers that find it by tag) */
  extraTags?: readonly number[];
}

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

const bad = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

/**
 * Whether a heap at `base` is in use: not closed, or closed with workers still attached. A new
 * heap written over it would re-initialise the metadata under their feet.
 */
function liveHeapAt(buf: SharedArrayBuffer, base: number): string | null {
  const i32 = wordView(buf);
  const c = base / 4;
  if (c + CONTROL_WORDS > i32.length || Atomics.load(i32, c + C.MAGIC) !== MAGIC || i32[c + C.VERSION] !== LAYOUT_VERSION) return null;
  if (Atomics.load(i32, c + C.CLOSED) === 0) return 'a live heap';
  const l = readLayout(i32, base);
  const first = l.slots >>> 2;
  if (l.base !== base || l.numSlots < 1 || l.numSlots > 255 || first + l.numSlots * l.slotWords > i32.length) return null;
  for (let s = 0; s < l.numSlots; s++) {
    if (Atomics.load(i32, first + s * l.slotWords + S.STATE) === SLOT_ATTACHED) return `a closed heap that slot ${s} still uses`;
  }
  return null;
}

/**
 * Grow `mem` (at creation, before anything is written) so that the heap's metadata and a first
 * page fit from `base`; its buffer then. A memory whose maximum is too small is refused.
 */
function fitMemory(mem: WasmMemory, base: number, maxBytes: number, o: CreateRegionOptions): SharedArrayBuffer {
  if (maxBytes < PAGE_SIZE) throw bad(`the memory's maximum leaves ${Math.max(0, maxBytes)} bytes from offset ${base}: no room for a heap`);
  const probe = computeLayout({
    base, initialBytes: maxBytes, maxBytes, numClasses: o.classSizes.length, numSlots: o.slots, extraWords: o.extraWords ?? [],
    extraTags: o.extraTags,
  });
  const need = probe.data + PAGE_SIZE;
  if (need > base + maxBytes || !growMemory(mem, need)) {
    throw bad(`the memory cannot hold this heap's metadata and a page: ${need - base} bytes from offset ${base} (at most ${maxBytes})`);
  }
  return memoryBuffer(mem);
}

/**
 * One thread's view of a heap region: the buffer, a fixed-length Int32Array over all of it (a
 * length-tracking view is ~2.6x slower, TOOLCHAIN.md), and the layout numbers read once.
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
    this.gen = Atomics.load(this.i32, c + C.GROW_GEN);
    this.spansW = layout.spans >>> 2;
    this.bitmapW = layout.bitmap >>> 2;
    this.data = layout.data;
    this.salt = this.i32[c + C.SALT];
    const headerless = (this.i32[c + C.FLAGS] & FLAG_HEADERLESS) !== 0;
    this.hdr = headerless ? 0 : 8;
    this.linkDelta = headerless ? 0 : -1;
    this.align = this.i32[c + C.BLOCK_ALIGN];
    this.largeLead = headerless ? 0 : this.align;
    const g = readClassTable(this.i32, layout.classTable, layout.numClasses, this.hdr);
    this.sizes = Int32Array.from(g, (x) => x.size);
    this.stride = Int32Array.from(g, (x) => x.stride);
    this.lead = Int32Array.from(g, (x) => x.lead);
    this.spanPages = Int32Array.from(g, (x) => x.spanPages);
    this.blocks = Int32Array.from(g, (x) => x.blocks);
  }

  static create(o: CreateRegionOptions): Region {
    if (o === null || typeof o !== 'object') throw bad('Region.create needs an options object');
    // null is no option's value (undefined takes the default)
    for (const [k, v] of Object.entries(o)) if (v === null) throw bad(`option ${k} is null`);
    const mem = o.memory ?? null;
    if (mem !== null && !isSharedMemory(mem)) throw bad('memory must be a shared WebAssembly.Memory');
    if (mem !== null && o.buffer !== undefined) throw bad('give buffer or memory, not both');
    let buf = mem !== null ? memoryBuffer(mem) : o.buffer;
    if (!(buf instanceof SharedArrayBuffer)) throw bad('buffer must be a SharedArrayBuffer');
    const base = o.base ?? 0;
    if (typeof base !== 'number' || !Number.isInteger(base) || base < 0 || base % 8 !== 0 || base >= MAX_HEAP_END) {
      throw bad(`base ${String(base)} must be a multiple of 8 below ${MAX_HEAP_END}`);
    }
    const cap = mem !== null ? memoryMaxBytes(mem) : buf.growable ? buf.maxByteLength : buf.byteLength;
    const limit = Math.min(cap - base, MAX_HEAP_END - base);
    if (o.maxBytes !== undefined && (typeof o.maxBytes !== 'number' || !Number.isInteger(o.maxBytes))) throw bad(`maxBytes ${String(o.maxBytes)} is not an integer`);
    const maxBytes = Math.min(o.maxBytes ?? limit, limit);
    // everything is checked before a memory is grown (a grow cannot be undone)
    checkClassSizes(o.classSizes);
    const align = o.align ?? DEFAULT_BLOCK_ALIGN;
    if (!BLOCK_ALIGNS.includes(align)) throw bad(`align ${String(align)} must be 8 or 16`);
    if (typeof o.slots !== 'number' || !Number.isInteger(o.slots) || o.slots < 1 || o.slots > 255) throw bad('slots must be 1..255');
    const live = liveHeapAt(buf, base);
    if (live) {
      throw bad(`offset ${base} holds ${live}: close() it first (to reuse its buffer on purpose, see createHeap's byteOffset)`);
    }
    const extra = o.extraWords ?? [];
    if (!Array.isArray(extra) || extra.length > MAX_EXTRA || extra.some((w) => !Number.isInteger(w) || w < 1)) {
      throw bad(`at most ${MAX_EXTRA} extra regions of a positive number of words`);
    }
    if (mem !== null && o.bytes === undefined) buf = fitMemory(mem, base, maxBytes, o);
    // by default the heap takes the buffer up to MAX_HEAP_END (a bigger buffer is fine, the rest
    // unused), and a memory's up to maxBytes (the memory may be grown past it by the module)
    const bytes = o.bytes ?? Math.min(buf.byteLength, MAX_HEAP_END, mem !== null ? base + maxBytes : Infinity) - base;
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes <= 0 || base + bytes > buf.byteLength) {
      throw bad(`bytes ${String(bytes)} do not fit in the buffer (${buf.byteLength} bytes from offset ${base})`);
    }
    if (base + bytes > MAX_HEAP_END) throw bad(`a heap ends by ${MAX_HEAP_END} (2^32): ${bytes} bytes from offset ${base} do not`);
    if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < bytes) {
      throw bad(`maxBytes ${String(maxBytes)} is below bytes ${bytes}`);
    }
    const layout = computeLayout({
      base, initialBytes: bytes, maxBytes, numClasses: o.classSizes.length, numSlots: o.slots, extraWords: extra,
      extraTags: o.extraTags,
    });
    if (layout.initialPages < 1) {
      const need = layout.data - base + PAGE_SIZE;
      throw bad(`${bytes} bytes leave no room for data: this layout needs at least ${need}`);
    }
    const i32 = wordView(buf);
    // Metadata starts zeroed (a new buffer is); a reused buffer region is cleared here.
    i32.fill(0, base >>> 2, layout.data >>> 2);
    writeClassTable(i32, layout.classTable, o.classSizes, o.headerless ? 0 : 8, align);
    i32[(base >>> 2) + C.BLOCK_ALIGN] = align;
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
    return new Region(buf, layout, mem);
  }

  /** The heap at `base` of `buffer`, or of `memory`'s current buffer when a memory is given. */
  static attach(buffer: SharedArrayBuffer, base = 0, memory?: WasmMemory): Region {
    if (memory !== undefined) {
      if (!isSharedMemory(memory)) throw new HeapError(HeapErrorCode.BAD_HANDLE, 'handle.memory is not a shared WebAssembly.Memory');
      buffer = memoryBuffer(memory);
    }
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, 'handle.buffer is not a SharedArrayBuffer');
    }
    const i32 = wordView(buffer);
    // an offset the heap could not have been created at (NaN, '0', 1.5, -8, 2^32, past the buffer)
    if (typeof base !== 'number' || !Number.isInteger(base) || base < 0 || base % 8 !== 0 || base / 4 + CONTROL_WORDS > i32.length) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, `no hakmem heap at offset ${String(base)} of a buffer of ${buffer.byteLength} bytes`);
    }
    const c = base >>> 2;
    if (Atomics.load(i32, c + C.MAGIC) !== MAGIC) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, `no hakmem heap at offset ${base}`);
    }
    if (i32[c + C.VERSION] !== LAYOUT_VERSION) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, `heap layout version ${i32[c + C.VERSION]}, expected ${LAYOUT_VERSION}`);
    }
    const layout = readLayout(i32, base);
    const align = i32[c + C.BLOCK_ALIGN];
    if (layout.base !== base || layout.data <= base || layout.data > buffer.byteLength || !BLOCK_ALIGNS.includes(align)) {
      throw new HeapError(HeapErrorCode.BAD_HANDLE, `the control block at offset ${base} is damaged (base ${layout.base}, data ${layout.data})`);
    }
    return new Region(buffer, layout, memory ?? null);
  }

  /** Cold path: rebuild the views if another worker grew the buffer. */
  sync(): void {
    if (Atomics.load(this.i32, this.ctrl + C.GROW_GEN) !== this.gen) this.refresh();
  }

  refresh(): void {
    this.gen = Atomics.load(this.i32, this.ctrl + C.GROW_GEN);
    if (this.memory !== null) {
      // the memory's buffer as it is now: a grow (ours, another worker's, the module's) made a new one
      const b = memoryBuffer(this.memory);
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
