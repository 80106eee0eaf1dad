/**
 * A heap inside a shared WebAssembly.Memory: how to recognise one, read its maximum and grow it.
 * `memory.grow(n)` adds n pages of 64 KiB and leaves `memory.buffer` a NEW, larger
 * SharedArrayBuffer (the old one keeps its length and stays valid), so a Region over a memory
 * takes the memory's current buffer whenever it rebuilds its views (Region.refresh).
 */

/** What the heap uses of a `WebAssembly.Memory` (ES2024's lib has no WebAssembly types). */
export interface WasmMemory {
  /** the memory's bytes as they are now (a new object after each grow) */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** add `delta` pages of 64 KiB; the old length in pages (a RangeError past the maximum) */
  grow(delta: number): number;
}

/** Bytes in a WebAssembly page. */
export const WASM_PAGE = 65536;
/** Pages of the largest wasm32 memory (4 GiB). */
const MAX_WASM_PAGES = 65536;

interface WasmApi {
  Memory: abstract new (...a: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => object;
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** A shared WebAssembly.Memory (its buffer a SharedArrayBuffer). */
export function isSharedMemory(m: unknown): m is WasmMemory {
  return wasm !== undefined && m instanceof wasm.Memory && m.buffer instanceof SharedArrayBuffer;
}

/** The memory's buffer as this thread's memory object has it (another thread, or the module, may have grown it). */
export const memoryBuffer = (m: WasmMemory): SharedArrayBuffer => m.buffer as SharedArrayBuffer;

/**
 * The memory's buffer, at least `bytes` long when the memory is. A grow by another thread reaches
 * this thread's memory object only at this thread's next interrupt check (V8 updates the other
 * isolates' buffers from a stack-guard interrupt), so `memory.buffer` can lag behind a grow this
 * thread already knows of through the heap's words; views over it would end before pages the
 * heap hands out (their header writes dropped, their reads undefined). `grow(0)` brings this
 * thread's object up to date at once (V8 broadcasts every grow, and a zero grow is one).
 */
export function bufferCovering(m: WasmMemory, bytes: number): SharedArrayBuffer {
  const b = memoryBuffer(m);
  if (b.byteLength >= bytes) return b;
  m.grow(0);
  return memoryBuffer(m);
}

/** `n` (unsigned 32-bit) as the unsigned LEB128 bytes of the WebAssembly binary format. */
export const uleb128 = (n: number): number[] => {
  const out: number[] = [];
  n >>>= 0;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

/** Whether `m` links to a module importing a shared memory of at most `pages` pages. */
function maxAtMost(m: WasmMemory, pages: number): boolean {
  // (import "m" "m" (memory 0 pages shared)): the import's maximum must be >= the memory's
  const entry = [1, 0x6d, 1, 0x6d, 0x02, 0x03, 0x00, ...uleb128(pages)];
  const section = [1, ...entry];
  const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0, 0x02, ...uleb128(section.length), ...section]);
  try {
    new wasm!.Instance(new wasm!.Module(bytes), { m: { m } });
    return true;
  } catch {
    return false;
  }
}

/**
 * The memory's maximum in bytes (a shared memory always has one). Where the engine has type
 * reflection, `memory.type().maximum`; elsewhere a binary search over tiny modules that import a
 * shared memory of a given maximum: linking succeeds only when the memory's maximum is not above
 * it. Nothing is grown or written.
 */
export function memoryMaxBytes(m: WasmMemory): number {
  const t = (m as { type?: () => { maximum?: number } }).type?.();
  if (t && typeof t.maximum === 'number') return t.maximum * WASM_PAGE;
  let lo = Math.ceil(m.buffer.byteLength / WASM_PAGE); // the maximum is at least the current size
  let hi = MAX_WASM_PAGES;
  if (!maxAtMost(m, hi)) return lo * WASM_PAGE; // an engine that refuses the probe: no growth
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (maxAtMost(m, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo * WASM_PAGE;
}

/**
 * Make the memory at least `bytes` long; false if it cannot be (its maximum, or the engine out of
 * memory). Another thread or the module may grow it at the same time (memory.grow is relative):
 * a failed grow is retried from the length as it is then, and a memory already long enough (a
 * grower that died before committing, a module that grew it) is left as it is.
 */
export function growMemory(m: WasmMemory, bytes: number): boolean {
  let last = -1;
  for (;;) {
    const cur = m.buffer.byteLength;
    if (cur >= bytes) return true;
    if (cur === last) return false; // the last grow from this length failed: it cannot
    last = cur;
    try {
      m.grow(Math.ceil((bytes - cur) / WASM_PAGE));
    } catch {
      // RangeError: past the maximum, or no memory; the loop looks at the length again
    }
  }
}
