/**
 * Opening a heap in a buffer, before a Region views it: creating one (Region.create: every option
 * checked before anything is written or a memory grown, a live heap at the offset refused, then
 * the metadata written, MAGIC last) or finding one (Region.attach: the buffer, offset, magic,
 * version and control block checked).
 */
import { MAX_HEAP_END, wordView } from './buffer.js';
import { BLOCK_ALIGNS, checkClassSizes, DEFAULT_BLOCK_ALIGN, writeClassTable } from './classes.js';
import { HeapError, HeapErrorCode, shown } from './errors.js';
import {
  abandonedListWord, CTRL, computeLayout, CONTROL_WORDS, FLAG_HEADERLESS, LAYOUT_VERSION, MAGIC, MAX_EXTRA, PAGE_SIZE, readLayout, SLOT,
  SLOT_ATTACHED, slotPartial, slotWordOf, writeLayout, type Layout,
} from './layout.js';
import { growMemory, isSharedMemory, memoryBuffer, memoryMaxBytes, type WasmMemory } from './memory.js';
import { newSalt } from './tags.js';

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

/** A heap found or made in a buffer: what a Region is built over. */
export interface OpenedHeap {
  buffer: SharedArrayBuffer;
  layout: Layout;
  /** the WebAssembly.Memory the heap lives in, or null for a plain buffer */
  memory: WasmMemory | null;
}

const bad = (msg: string) => new HeapError(HeapErrorCode.BAD_OPTION, msg);

/**
 * Whether a heap at `base` is in use: not closed, or closed with workers still attached. A new
 * heap written over it would re-initialise the metadata under their feet.
 */
function liveHeapAt(buf: SharedArrayBuffer, base: number): string | null {
  const i32 = wordView(buf);
  const c = base / 4;
  if (c + CONTROL_WORDS > i32.length || Atomics.load(i32, c + CTRL.MAGIC) !== MAGIC || i32[c + CTRL.VERSION] !== LAYOUT_VERSION) return null;
  if (Atomics.load(i32, c + CTRL.CLOSED) === 0) return 'a live heap';
  const l = readLayout(i32, base);
  if (l.base !== base || l.numSlots < 1 || l.numSlots > 255 || slotWordOf(l, l.numSlots, 0) > i32.length) return null;
  for (let s = 0; s < l.numSlots; s++) {
    if (Atomics.load(i32, slotWordOf(l, s, SLOT.STATE)) === SLOT_ATTACHED) return `a closed heap that slot ${s} still uses`;
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

/** Check `o` and write a new heap's metadata (Region.create). */
export function createHeapIn(o: CreateRegionOptions): OpenedHeap {
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
    throw bad(`base ${shown(base)} must be a multiple of 8 below ${MAX_HEAP_END}`);
  }
  const cap = mem !== null ? memoryMaxBytes(mem) : buf.growable ? buf.maxByteLength : buf.byteLength;
  const limit = Math.min(cap - base, MAX_HEAP_END - base);
  if (o.maxBytes !== undefined && (typeof o.maxBytes !== 'number' || !Number.isInteger(o.maxBytes))) throw bad(`maxBytes ${shown(o.maxBytes)} is not an integer`);
  const maxBytes = Math.min(o.maxBytes ?? limit, limit);
  // everything is checked before a memory is grown (a grow cannot be undone)
  checkClassSizes(o.classSizes);
  const align = o.align ?? DEFAULT_BLOCK_ALIGN;
  if (!BLOCK_ALIGNS.includes(align)) throw bad(`align ${shown(align)} must be 8 or 16`);
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
    throw bad(`bytes ${shown(bytes)} do not fit in the buffer (${buf.byteLength} bytes from offset ${base})`);
  }
  if (base + bytes > MAX_HEAP_END) throw bad(`a heap ends by ${MAX_HEAP_END} (2^32): ${bytes} bytes from offset ${base} do not`);
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < bytes) {
    throw bad(`maxBytes ${shown(maxBytes)} is below bytes ${bytes}`);
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
  i32[(base >>> 2) + CTRL.BLOCK_ALIGN] = align;
  // span lists start empty (-1): each slot's, and the abandoned ones
  const nc = layout.numClasses;
  for (let s = 0; s < layout.numSlots; s++) {
    const w = slotWordOf(layout, s, slotPartial(nc));
    i32.fill(-1, w, w + nc);
  }
  i32.fill(-1, abandonedListWord(layout, 0), abandonedListWord(layout, nc));
  const c = base >>> 2;
  Atomics.store(i32, c + CTRL.COMMITTED_PAGES, layout.initialPages);
  writeLayout(i32, layout, newSalt(), o.headerless ? FLAG_HEADERLESS : 0);
  return { buffer: buf, layout, memory: mem };
}

/** Find the heap at `base` of `buffer`, or of `memory`'s current buffer when a memory is given (Region.attach). */
export function findHeapIn(buffer: SharedArrayBuffer, base: number, memory?: WasmMemory): OpenedHeap {
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
    throw new HeapError(HeapErrorCode.BAD_HANDLE, `no hakmem heap at offset ${shown(base)} of a buffer of ${buffer.byteLength} bytes`);
  }
  const c = base >>> 2;
  if (Atomics.load(i32, c + CTRL.MAGIC) !== MAGIC) {
    throw new HeapError(HeapErrorCode.BAD_HANDLE, `no hakmem heap at offset ${base}`);
  }
  if (i32[c + CTRL.VERSION] !== LAYOUT_VERSION) {
    throw new HeapError(HeapErrorCode.BAD_HANDLE, `heap layout version ${i32[c + CTRL.VERSION]}, expected ${LAYOUT_VERSION}`);
  }
  const layout = readLayout(i32, base);
  const align = i32[c + CTRL.BLOCK_ALIGN];
  if (layout.base !== base || layout.data <= base || layout.data > buffer.byteLength || !BLOCK_ALIGNS.includes(align)) {
    throw new HeapError(HeapErrorCode.BAD_HANDLE, `the control block at offset ${base} is damaged (base ${layout.base}, data ${layout.data})`);
  }
  return { buffer, layout, memory: memory ?? null };
}
