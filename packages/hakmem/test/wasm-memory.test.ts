/**
 * Issue 13: a heap inside a shared WebAssembly.Memory (createHeap({ memory, byteOffset,
 * reservedBelow })). It grows the memory with memory.grow up to its maximum (or maxSize), and
 * every thread follows the memory's new buffer: the creator, attached Workers, a Worker that sat
 * idle while another grew it, and growth done by the module itself. Placement below reservedBelow
 * is refused with HAKMEM_BAD_PLACEMENT before anything is written. (A worker dying between
 * memory.grow and the commit: faults/death-at-step.test.ts, step grow.memory-grown.)
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { attachHeap, createHeap, HeapErrorCode, type WasmMemory } from '../src/index.js';

/** The WebAssembly API this test uses (the project's lib, ES2024, has no WebAssembly types). */
interface Memory extends WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
const WebAssembly = (globalThis as unknown as {
  WebAssembly: {
    Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => Memory;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  };
}).WebAssembly;

const KiB = 1024;
const MiB = 1 << 20;
const WASM_PAGE = 65536;
const memoryOf = (initial: number, maximum: number) => new WebAssembly.Memory({ initial, maximum, shared: true });

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

type Reply = Record<string, number>;
/** A worker attached to `handle` (workers/memory.mjs) and a function sending it a command. */
async function spawn(handle: unknown): Promise<(cmd: string, args?: Record<string, number>) => Promise<Reply>> {
  const w = new Worker(new URL('./workers/memory.mjs', import.meta.url), { workerData: { handle } });
  workers.push(w);
  const next = () =>
    new Promise<Reply>((ok, no) => {
      w.once('message', (m: { ok?: Reply; error?: string }) => (m.error !== undefined ? no(new Error(m.error)) : ok(m.ok as Reply)));
      w.once('error', no);
    });
  await next(); // attached
  return (cmd, args = {}) => {
    const r = next();
    w.postMessage({ cmd, ...args });
    return r;
  };
}

/** Allocate `size`-byte blocks until one lies past byte `end` of the memory; all of them. */
function allocPast(heap: { alloc(n: number): number }, size: number, end: number): number[] {
  const ps: number[] = [];
  for (;;) {
    const p = heap.alloc(size);
    if (p === 0) throw new Error(`alloc returned 0 before reaching ${end}`);
    ps.push(p);
    if (p + size > end) return ps;
  }
}

/** The code of what `f` throws. */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
}

/**
 * A wasm module on the memory that exports `grow(pages)`, i.e. the memory.grow instruction:
 * (import "env" "memory" (memory 0 65536 shared)) (func (export "grow") (param i32) (result i32)
 * local.get 0 memory.grow).
 */
function growerModule(memory: Memory): (pages: number) => number {
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
    0x02, 0x12, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x03, 0x00, 0x80, 0x80, 0x04, // import env.memory
    0x03, 0x02, 0x01, 0x00, // function 0 of type 0
    0x07, 0x08, 0x01, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x00, // export "grow"
    0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, // local.get 0; memory.grow 0; end
  ]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return instance.exports.grow as (pages: number) => number;
}

describe('a heap in a shared WebAssembly.Memory', () => {
  it('grows the memory: blocks in the new part are usable through heap.u8/i32 in the creator and an attached Worker', async () => {
    const memory = memoryOf(16, 256); // 1 MiB now, 16 MiB at most
    const heap = createHeap({ memory, reservedBelow: 64 * KiB, learning: false, maxWorkers: 4 });
    expect(heap.byteOffset).toBe(64 * KiB);
    expect(heap.memory).toBe(memory);
    const start = memory.buffer.byteLength;
    const size = 256 * KiB;
    const ps = allocPast(heap, size, start);
    const p = ps.at(-1)!;
    expect(memory.buffer.byteLength).toBeGreaterThan(start);
    expect(heap.stats().pages.committed * 4096).toBeGreaterThan(start - 64 * KiB);
    heap.i32[p >>> 2] = 0x12345678;
    heap.u8[p + size - 1] = 0xab;
    expect(heap.u8.length).toBe(memory.buffer.byteLength);
    expect(heap.buffer).toBe(memory.buffer);

    // the handle carries the memory and stays structured-cloneable
    const handle = structuredClone(heap.handle);
    expect(handle.memory).toBeInstanceOf(WebAssembly.Memory);
    const w = await spawn(heap.handle);
    expect(await w('read', { p, size })).toMatchObject({ first: 0x12345678, last: 0xab });

    // the worker grows it further; the creator reads the new block through its own views
    const seen = heap.u8.length;
    const g = await w('grow', { until: memory.buffer.byteLength + 2 * MiB, size, pattern: 0x0badf00d });
    expect(g.p + size).toBeGreaterThan(seen);
    expect(heap.i32[g.p >>> 2]).toBe(0x0badf00d);
    expect(heap.u8[g.p + size - 1]).toBe(0x0d);
    expect(heap.u8.length).toBe(memory.buffer.byteLength);
    heap.free(g.p); // a cross-worker free of a block in the part the creator had not seen
    await w('detach');
    for (const q of ps) heap.free(q);
    expect(heap.validate().blocksLive).toBe(0);
    await heap.close();
  });

  it("another worker's grow is seen by a third that sat idle: it reads and frees the new block", async () => {
    const memory = memoryOf(16, 256);
    const heap = createHeap({ memory, reservedBelow: 64 * KiB, learning: false, maxWorkers: 4 });
    const grower = await spawn(heap.handle);
    const idle = await spawn(heap.handle);
    const before = await idle('read', { p: heap.byteOffset, size: 8 });
    const size = 128 * KiB;
    const g = await grower('grow', { until: memory.buffer.byteLength + 4 * MiB, size, pattern: 0x5eed1234 });
    expect(g.p + size).toBeGreaterThan(before.memoryBytes); // past what the idle worker attached to
    expect(await idle('read', { p: g.p, size })).toMatchObject({ first: 0x5eed1234, last: 0x34, viewBytes: g.memoryBytes });
    await idle('free', { p: g.p });
    await grower('detach');
    await idle('detach');
    expect(heap.validate().blocksLive).toBe(0);
    await heap.close();
  });

  it("grows up to the memory's maximum, then alloc returns 0 (no throw); freed blocks are reused", async () => {
    const memory = memoryOf(16, 64); // 4 MiB at most
    const heap = createHeap({ memory, reservedBelow: 64 * KiB, learning: false, maxWorkers: 2 });
    const ps: number[] = [];
    for (let p; (p = heap.alloc(64 * KiB)) !== 0; ) ps.push(p);
    for (let p; (p = heap.alloc(48)) !== 0; ) ps.push(p);
    expect(memory.buffer.byteLength).toBe(64 * WASM_PAGE);
    const { pages } = heap.stats();
    expect(pages.committed).toBe(pages.max);
    expect(ps.length).toBeGreaterThan(40);
    heap.diagnostics(); // a reader on the memory's newest buffer
    expect(heap.validate().blocksLive).toBe(ps.length);
    for (const p of ps) heap.free(p);
    expect(heap.alloc(64 * KiB)).not.toBe(0);
    await heap.close();
  });

  it('a memory.grow the engine refuses (no memory) makes alloc return 0, and the heap grows once it can', async () => {
    const memory = memoryOf(16, 256);
    const heap = createHeap({ memory, reservedBelow: 64 * KiB, learning: false, maxWorkers: 2 });
    const grow = memory.grow.bind(memory);
    let refuse = true;
    memory.grow = (n: number) => {
      if (refuse) throw new RangeError('WebAssembly.Memory.grow(): Unable to grow instance memory');
      return grow(n);
    };
    const ps: number[] = [];
    for (let p; (p = heap.alloc(256 * KiB)) !== 0; ) ps.push(p);
    const before = memory.buffer.byteLength;
    expect(heap.validate().blocksLive).toBe(ps.length);
    refuse = false;
    ps.push(...allocPast(heap, 256 * KiB, before));
    for (const q of ps) heap.free(q);
    expect(heap.validate().blocksLive).toBe(0);
    await heap.close();
  });

  it("maxSize below the memory's maximum is honoured", async () => {
    const memory = memoryOf(16, 256); // 16 MiB at most
    const heap = createHeap({ memory, reservedBelow: 64 * KiB, maxSize: 4 * MiB, learning: false, maxWorkers: 2 });
    let bytes = 0;
    for (let p; (p = heap.alloc(32 * KiB)) !== 0; ) bytes += 32 * KiB;
    expect(bytes).toBeGreaterThan(2 * MiB); // it did grow past its first megabyte
    expect(heap.stats().pages.max * 4096).toBeLessThanOrEqual(4 * MiB);
    expect(memory.buffer.byteLength).toBeLessThanOrEqual(64 * KiB + 4 * MiB);
    await heap.close();
  });

  it('a memory grown by the module itself is used as it is, and growth goes on from there', async () => {
    const memory = memoryOf(16, 256);
    const heap = createHeap({ memory, reservedBelow: 64 * KiB, learning: false, maxWorkers: 2 });
    let calls = 0;
    const grow = memory.grow.bind(memory);
    memory.grow = (n: number) => (calls++, grow(n)); // the heap's own memory.grow calls
    const before = memory.buffer.byteLength;
    expect(growerModule(memory)(64)).toBe(before / WASM_PAGE); // the module grows it by 4 MiB
    const grown = memory.buffer.byteLength;
    const size = 256 * KiB;
    const ps = allocPast(heap, size, before);
    const p = ps.at(-1)!;
    heap.u8[p + size - 1] = 0x77;
    expect(heap.u8[p + size - 1]).toBe(0x77);
    expect(calls).toBe(0); // the pages the module added were enough
    expect(memory.buffer.byteLength).toBe(grown);
    ps.push(...allocPast(heap, size, grown));
    expect(calls).toBeGreaterThan(0);
    for (const q of ps) heap.free(q);
    expect(heap.validate().blocksLive).toBe(0);
    await heap.close();
  });

  it('free(view) takes a view made before the memory grew (over its older buffer)', async () => {
    const memory = memoryOf(16, 256);
    const heap = createHeap({ memory, reservedBelow: 64 * KiB, learning: false, maxWorkers: 2 });
    const v = heap.mallocAs(Float64Array, 16)!;
    const ps = allocPast(heap, 256 * KiB, memory.buffer.byteLength);
    expect(v.buffer).not.toBe(heap.buffer);
    heap.free(v);
    for (const q of ps) heap.free(q);
    expect(heap.validate().blocksLive).toBe(0);
    await heap.close();
  });
});

describe('placement', () => {
  const bad = `${HeapErrorCode.BAD_OPTION}:`;
  const placement = `${HeapErrorCode.BAD_PLACEMENT}:`;

  it('reservedBelow is required with memory (HAKMEM_BAD_OPTION naming it)', () => {
    const memory = memoryOf(16, 64);
    expect(codeOf(() => createHeap({ memory, learning: false }))).toMatch(new RegExp(`^${bad}.*reservedBelow`));
    expect(codeOf(() => createHeap({ memory, byteOffset: 0, learning: false }))).toMatch(new RegExp(`^${bad}.*reservedBelow`));
  });

  it('a byteOffset below reservedBelow is refused (HAKMEM_BAD_PLACEMENT), the memory neither written nor grown', () => {
    const memory = memoryOf(2, 64);
    const u8 = new Uint8Array(memory.buffer);
    u8.fill(0x5a);
    expect(codeOf(() => createHeap({ memory, byteOffset: 0, reservedBelow: 1024, learning: false }))).toMatch(new RegExp(`^${placement}`));
    expect(codeOf(() => createHeap({ memory, byteOffset: 4096, reservedBelow: 4097, learning: false }))).toMatch(new RegExp(`^${placement}`));
    expect(memory.buffer.byteLength).toBe(2 * WASM_PAGE);
    expect(u8.every((b) => b === 0x5a)).toBe(true);
  });

  it('buffer takes reservedBelow too', async () => {
    const buffer = new SharedArrayBuffer(4 * MiB);
    const u8 = new Uint8Array(buffer);
    u8.fill(0x5a);
    expect(codeOf(() => createHeap({ buffer, byteOffset: 0, reservedBelow: 4096, learning: false }))).toMatch(new RegExp(`^${placement}`));
    expect(u8.every((b) => b === 0x5a)).toBe(true);
    // byteOffset defaults to reservedBelow, rounded up to 8; nothing below it is written
    const heap = createHeap({ buffer, reservedBelow: 1001, learning: false, maxWorkers: 1 });
    expect(heap.byteOffset).toBe(1008);
    for (let p; (p = heap.alloc(4096)) !== 0; ) heap.u8.fill(0, p, p + 4096);
    expect(u8.subarray(0, 1001).every((b) => b === 0x5a)).toBe(true);
    await heap.close();
  });

  it('options that cannot work with a memory are refused with codes', () => {
    const memory = memoryOf(16, 64);
    const o = { learning: false } as const;
    expect(codeOf(() => createHeap({ memory, buffer: memory.buffer, reservedBelow: 0, ...o }))).toMatch(new RegExp(`^${bad}`));
    expect(codeOf(() => createHeap({ memory, size: MiB, reservedBelow: 0, ...o }))).toMatch(new RegExp(`^${bad}`));
    expect(codeOf(() => createHeap({ memory, byteLength: MiB, reservedBelow: 0, ...o }))).toMatch(new RegExp(`^${bad}`));
    expect(codeOf(() => createHeap({ memory, reservedBelow: -1, learning: false }))).toMatch(new RegExp(`^${bad}`));
    expect(codeOf(() => createHeap({ memory: new WebAssembly.Memory({ initial: 1 }), reservedBelow: 0, ...o }))).toMatch(new RegExp(`^${bad}.*shared`));
    expect(codeOf(() => createHeap({ memory: {} as WasmMemory, reservedBelow: 0, ...o }))).toMatch(new RegExp(`^${bad}`));
    expect(codeOf(() => createHeap({ reservedBelow: 64, learning: false }))).toMatch(new RegExp(`^${bad}`));
    // a maximum too small for the metadata of a heap with 254 workers: refused, not grown
    const small = memoryOf(1, 2);
    expect(codeOf(() => createHeap({ memory: small, reservedBelow: 0, maxWorkers: 254, ...o }))).toMatch(new RegExp(`^${bad}`));
    expect(small.buffer.byteLength).toBe(WASM_PAGE);
  });

  it('attachHeap refuses a handle whose memory is not a shared memory (HAKMEM_BAD_HANDLE)', async () => {
    const memory = memoryOf(16, 64);
    const heap = createHeap({ memory, reservedBelow: 0, learning: false, maxWorkers: 2 });
    const forged = { ...heap.handle, memory: {} as WasmMemory };
    expect(codeOf(() => attachHeap(forged))).toMatch(new RegExp(`^${HeapErrorCode.BAD_HANDLE}:`));
    await heap.close();
  });
});

describe('maxSize with a buffer', () => {
  it('is honoured: the heap stays within maxSize bytes of byteOffset', async () => {
    const buffer = new SharedArrayBuffer(8 * MiB);
    const u8 = new Uint8Array(buffer);
    u8.fill(0x5a);
    const heap = createHeap({ buffer, byteOffset: 4096, maxSize: 2 * MiB, learning: false, maxWorkers: 1 });
    for (let p; (p = heap.alloc(16 * KiB)) !== 0; ) heap.u8.fill(0, p, p + 16 * KiB);
    expect(u8.subarray(4096 + 2 * MiB).every((b) => b === 0x5a)).toBe(true);
    await heap.close();
  });

  it('of a growable buffer bounds its growth', async () => {
    const buffer = new SharedArrayBuffer(MiB, { maxByteLength: 16 * MiB });
    const heap = createHeap({ buffer, maxSize: 4 * MiB, learning: false, maxWorkers: 1 });
    while (heap.alloc(16 * KiB) !== 0);
    expect(buffer.byteLength).toBeGreaterThan(MiB);
    expect(buffer.byteLength).toBeLessThanOrEqual(4 * MiB);
    await heap.close();
  });

  it('below byteLength is refused (HAKMEM_BAD_OPTION)', () => {
    const buffer = new SharedArrayBuffer(8 * MiB);
    expect(codeOf(() => createHeap({ buffer, byteLength: 4 * MiB, maxSize: 2 * MiB, learning: false }))).toMatch(
      new RegExp(`^${HeapErrorCode.BAD_OPTION}:.*maxSize`),
    );
  });
});
