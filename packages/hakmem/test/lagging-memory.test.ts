/**
 * A grow by another thread reaches this thread's WebAssembly.Memory object late: V8 updates the
 * other isolates' `memory.buffer` from a stack-guard interrupt, so a worker can learn of a grow
 * through the heap's words (the growth generation, the committed end) while its `memory.buffer` is
 * still the shorter one. Views built over that buffer end before pages the heap hands out: the
 * block's header write is dropped and its read is undefined (the wasm-c example's rare "header
 * 0x0" under load). Here the lag is made to last: the attached heap's memory object shows its old
 * buffer until `grow` is called on it, as V8's would until the interrupt; the heap must still
 * follow the grow.
 */
import { describe, expect, it } from 'vitest';
import { attachHeap, createHeap, type WasmMemory } from '../src/index.js';

interface Memory extends WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
const WebAssembly = (globalThis as unknown as {
  WebAssembly: { Memory: { new (d: { initial: number; maximum?: number; shared?: boolean }): Memory; prototype: object } };
}).WebAssembly;

/** `real` as another thread's memory object sees it: its buffer stays as it is until that thread calls grow. */
function lagging(real: Memory): { memory: Memory; catchUp: () => void } {
  let seen = real.buffer;
  const memory = Object.create(WebAssembly.Memory.prototype) as Memory;
  Object.defineProperty(memory, 'buffer', { get: () => seen });
  Object.defineProperty(memory, 'grow', {
    value: (n: number) => {
      const old = real.grow(n);
      seen = real.buffer;
      return old;
    },
  });
  return { memory, catchUp: () => (seen = real.buffer) };
}

const KiB = 1024;

describe('a memory object that has not seen another thread grow the memory yet', () => {
  for (const when of ['attached before the grow', 'attached after the grow'] as const) {
    it(`${when}: blocks in the grown part come with their headers, the heap validates`, () => {
      const real = new WebAssembly.Memory({ initial: 1, maximum: 512, shared: true });
      const creator = createHeap({ memory: real, byteOffset: 0, reservedBelow: 0, learning: false, maxWorkers: 2 });
      const lag = lagging(real);
      let other = when === 'attached before the grow' ? attachHeap({ ...creator.handle, memory: lag.memory }) : null;
      if (other) other.free(other.alloc(16)); // views built, generation seen
      const startBytes = real.buffer.byteLength;
      // the creator grows the memory, then frees what lies in the grown part: the pages the other heap will get
      const big: number[] = [];
      while (real.buffer.byteLength < startBytes + (2 << 20)) big.push(creator.alloc(96 * KiB));
      for (const p of big) if (p >= startBytes) creator.free(p);
      expect(lag.memory.buffer.byteLength).toBe(startBytes); // lagging
      other ??= attachHeap({ ...creator.handle, memory: lag.memory });

      const large = other.alloc(96 * KiB);
      const small = Array.from({ length: 200 }, () => other.alloc(2000));
      expect(large).toBeGreaterThanOrEqual(startBytes);
      const words = new Int32Array(real.buffer);
      for (const p of [large, ...small]) {
        expect(words[(p >>> 2) - 2]).not.toBe(0); // the header landed in the memory
        expect(other.usableSize(p)).toBeGreaterThanOrEqual(2000);
      }
      expect(other.validate().blocksLive).toBe(201 + big.filter((p) => p < startBytes).length);
      for (const p of [large, ...small]) other.free(p);
      other.detach();
      for (const p of big) if (p < startBytes) creator.free(p);
      expect(creator.validate().blocksLive).toBe(0);
      expect(creator.stats().bytes.inUse).toBe(0);
    });
  }
});
