/**
 * `malloc` and `free` for a WebAssembly module, as WebAssembly: the cache's fast path (pop, push)
 * compiled into a tiny module per thread, so a module calls them wasm to wasm instead of crossing
 * into JavaScript twice per allocation. They read and write the same words as the heap's own
 * `alloc` and `free` (cache.ts in @hakmem/pool-tls: the class's quad [head, room, ...] in this
 * worker's slot, the block's header word and link), with this heap's slot, tags and size classes
 * written into the code as constants; everything else (a miss, a drain, a size above the classes,
 * a pointer whose header is not "allocated", a closed heap) calls the JavaScript functions it was
 * given, which do what `mallocImports` always did. The emitter writes the binary by hand (no
 * toolchain at run time); the module is well under the 4 KiB a browser compiles synchronously.
 *
 * Only the default heap (headers, the default size classes, no counters) has this fast path; the
 * others keep the JavaScript one.
 */
import { uleb128 as uleb } from '@hakmem/arena';

/** What the module is built from: this worker's heap, as constants. */
export interface FastPathSpec {
  /** byte address of class 0's quad [head, room, hits, maxRoom] in this worker's slot */
  headsAt: number;
  /** header word of a block handed out, class 0 (`| cls`) */
  allocTag: number;
  /** header word of a block in this worker's cache, class 0 (`| cls`) */
  freeTag: number;
  /** the largest size the classes serve (a default class table up to it) */
  maxSmall: number;
  /** tests: export `classOf(size)` too */
  exportClassOf?: boolean;
}

/** The JavaScript side the module calls for everything but a pop or a push. */
export interface FastPathImports {
  /** C's malloc in JavaScript: a miss (the list empty), a size above the classes, a closed heap */
  alloc(size: number): number;
  /** C's free in JavaScript: anything whose header is not "allocated small block" */
  free(p: number): void;
  /** the list of `cls` went over its bound */
  drain(cls: number): void;
  /** 1 while the heap is open; set to 0 when this worker detaches */
  open: object;
  memory: object;
}

// --- the binary format: LEB128 numbers (the unsigned ones: @hakmem/arena's uleb128), sections, opcodes ---
const sleb = (n: number): number[] => {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const op = {
  if: [0x04, 0x40], else: 0x05, end: 0x0b, return: 0x0f, call: 0x10, select: 0x1b,
  get: 0x20, set: 0x21, tee: 0x22, global: 0x23,
  load: 0x28, store: 0x36, size: [0x3f, 0x00], const: 0x41,
  eqz: 0x45, ne: 0x47, lt_s: 0x48, lt_u: 0x49, gt_u: 0x4b, ge_u: 0x4f,
  clz: 0x67, add: 0x6a, sub: 0x6b, and: 0x71, or: 0x72, shl: 0x74, shr_u: 0x76,
} as const;
const k = (n: number): number[] => [op.const, ...sleb(n)];
const get = (i: number): number[] => [op.get, i];
const set = (i: number): number[] => [op.set, i];
const tee = (i: number): number[] => [op.tee, i];
/** i32.load / i32.store at a constant byte offset (alignment 4) */
const load = (offset = 0): number[] => [op.load, 2, ...uleb(offset)];
const store = (offset = 0): number[] => [op.store, 2, ...uleb(offset)];

// imported functions (indices 0..2), then ours
const ALLOC = 0;
const FREE = 1;
const DRAIN = 2;
const OPEN = 0; // the imported global

/**
 * The class of `size` (local 0) into local `cls`, using local `b` as scratch: the default classes,
 * 16 to 64 by 8 (the lookup's (size + 7) >> 3, less 2, at least 0), then four per power of two
 * (b = floor(log2(size - 1)), class 4b - 17 plus the quarter of (2^b, 2^(b+1)] the size is in).
 */
function classOf(cls: number, b: number): number[] {
  return [
    ...get(0), ...k(64), op.gt_u, ...op.if,
    ...k(31), ...get(0), ...k(1), op.sub, op.clz, op.sub, ...set(b),
    ...get(b), ...k(2), op.shl, ...k(17), op.sub,
    ...get(0), ...k(1), op.sub, ...k(1), ...get(b), op.shl, op.sub, ...get(b), ...k(2), op.sub, op.shr_u,
    op.add, ...set(cls),
    op.else,
    ...get(0), ...k(7), op.add, ...k(3), op.shr_u, ...tee(cls), ...k(2), op.sub, ...k(0),
    ...get(cls), ...k(2), op.ge_u, op.select, ...set(cls),
    op.end,
  ];
}

/** malloc(size): locals 1 cls, 2 h (the quad's address), 3 p, 4 scratch. */
function mallocBody(s: FastPathSpec): number[] {
  const [cls, h, p, b] = [1, 2, 3, 4];
  const code = [
    // a closed heap or a size above the classes: JavaScript
    op.global, OPEN, op.eqz, ...get(0), ...k(s.maxSmall), op.gt_u, op.or, ...op.if,
    ...get(0), op.call, ALLOC, op.return, op.end,
    ...classOf(cls, b),
    // p = head; an empty list is a miss: JavaScript refills
    ...get(cls), ...k(4), op.shl, ...k(s.headsAt), op.add, ...tee(h), ...load(), ...tee(p), op.eqz, ...op.if,
    ...get(0), op.call, ALLOC, op.return, op.end,
    // head = p's link; room + 1; p's header = allocTag | cls
    ...get(h), ...get(p), ...k(4), op.sub, ...load(), ...store(),
    ...get(h), ...get(h), ...load(4), ...k(1), op.add, ...store(4),
    ...get(p), ...k(8), op.sub, ...get(cls), ...k(s.allocTag), op.or, ...store(),
    ...get(p),
    op.end,
  ];
  return [...vec([[4, I32]]), ...code];
}

/** free(p): locals 1 w (the header), 2 cls, 3 h, 4 room. */
function freeBody(s: FastPathSpec): number[] {
  const [w, cls, h, room] = [1, 2, 3, 4];
  const code = [
    ...get(0), op.eqz, ...op.if, op.return, op.end, // free(NULL)
    // a closed heap, a pointer not 8-aligned, below 8, or whose header is past the memory: JavaScript
    op.global, OPEN, op.eqz, ...get(0), ...k(7), op.and, op.or, ...get(0), ...k(8), op.lt_u, op.or,
    ...get(0), ...k(8), op.sub, ...k(16), op.shr_u, ...op.size, op.ge_u, op.or, ...op.if,
    ...get(0), op.call, FREE, op.return, op.end,
    // the header must be exactly allocTag | its class byte
    ...get(0), ...k(8), op.sub, ...load(), ...tee(w), ...k(0xff), op.and, ...tee(cls), ...k(s.allocTag), op.or,
    ...get(w), op.ne, ...op.if,
    ...get(0), op.call, FREE, op.return, op.end,
    // header = freeTag | cls; link = head; head = p; room - 1, a drain below 0
    ...get(0), ...k(8), op.sub, ...get(cls), ...k(s.freeTag), op.or, ...store(),
    ...get(cls), ...k(4), op.shl, ...k(s.headsAt), op.add, ...set(h),
    ...get(0), ...k(4), op.sub, ...get(h), ...load(), ...store(),
    ...get(h), ...get(0), ...store(),
    ...get(h), ...get(h), ...load(4), ...k(1), op.sub, ...tee(room), ...store(4),
    ...get(room), ...k(0), op.lt_s, ...op.if, ...get(cls), op.call, DRAIN, op.end,
    op.end,
  ];
  return [...vec([[4, I32]]), ...code];
}

/** classOf(size), for tests. */
function classOfBody(): number[] {
  return [...vec([[2, I32]]), ...classOf(1, 2), ...get(1), op.end];
}

/** The module's bytes. */
export function fastPathModule(s: FastPathSpec): Uint8Array {
  const sizeToPtr = [0x60, 1, I32, 1, I32];
  const ptrToNone = [0x60, 1, I32, 0];
  const types = section(1, vec([sizeToPtr, ptrToNone]));
  const imports = section(2, vec([
    [...str('js'), ...str('alloc'), 0x00, 0],
    [...str('js'), ...str('free'), 0x00, 1],
    [...str('js'), ...str('drain'), 0x00, 1],
    [...str('js'), ...str('open'), 0x03, I32, 0x01],
    // a shared memory of any size up to 4 GiB
    [...str('env'), ...str('memory'), 0x02, 0x03, ...uleb(0), ...uleb(65536)],
  ]));
  const bodies = [mallocBody(s), freeBody(s), ...(s.exportClassOf ? [classOfBody()] : [])];
  const funcs = section(3, vec(bodies.map((_, i) => [i === 1 ? 1 : 0])));
  const exports = section(7, vec([
    [...str('malloc'), 0x00, 3],
    [...str('free'), 0x00, 4],
    ...(s.exportClassOf ? [[...str('classOf'), 0x00, 5]] : []),
  ]));
  const code = section(10, vec(bodies.map((b) => [...uleb(b.length), ...b])));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  Global: new (d: { value: 'i32'; mutable: boolean }, v: number) => { value: number };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The module's `malloc` and `free` (and `classOf` when asked), or null where WebAssembly is missing. */
export function instantiateFastPath(
  s: FastPathSpec,
  js: Omit<FastPathImports, 'open'>,
): { malloc(size: number): number; free(p: number): void; classOf?(size: number): number; close(): void } | null {
  if (wasm === undefined) return null;
  const open = new wasm.Global({ value: 'i32', mutable: true }, 1);
  const { exports } = new wasm.Instance(new wasm.Module(fastPathModule(s)), {
    js: { alloc: js.alloc, free: js.free, drain: js.drain, open },
    env: { memory: js.memory },
  });
  return {
    malloc: exports.malloc as (size: number) => number,
    free: exports.free as (p: number) => void,
    ...(s.exportClassOf ? { classOf: exports.classOf as (size: number) => number } : {}),
    close: () => {
      open.value = 0;
    },
  };
}
