/**
 * Issue 11, item 13: a heap in a buffer of 4 GiB or more (a full wasm32 memory is exactly 4 GiB).
 * The heap sits in the first 2 GiB; every view is built over what the heap can reach, so neither
 * `byteLength >>> 2` wrapping to 0 at 2^32 nor a typed array too long for V8 gets in the way.
 * Untouched shared memory costs no RAM: only the pages the heap writes are ever committed.
 */
import { describe, expect, it } from 'vitest';
import { attachHeap, createHeap, type Heap } from '../src/index.js';
import { snapshot } from '@hakmem/pool-diagnostics';

const GiB = 2 ** 30;

function exercise(buffer: SharedArrayBuffer, byteOffset = 0): void {
  const h = createHeap({ buffer, byteOffset, maxWorkers: 2, learning: { mode: 'inline' } });
  const ps = [16, 100, 5000, 70000, 1 << 20].map((n) => h.alloc(n));
  for (const p of ps) expect(p).toBeGreaterThan(0);
  h.u8[ps[0]] = 42;
  h.f64[ps[1] >>> 3] = 1.5;
  expect(h.u8[ps[0]]).toBe(42);
  expect(h.f64[ps[1] >>> 3]).toBe(1.5);
  const w = attachHeap(h.handle) as Heap;
  w.free(w.alloc(64));
  w.free(ps[2]);
  w.detach();
  expect(snapshot(h.handle).classes.length).toBeGreaterThan(0);
  h.validate();
  for (const p of [ps[0], ps[1], ps[3], ps[4]]) h.free(p);
  h.validate();
  void h.close();
}

describe('item 13: buffers of 4 GiB and more', () => {
  it('a heap in a 4 GiB SharedArrayBuffer works', () => {
    exercise(new SharedArrayBuffer(4 * GiB));
  });

  it('a heap at an offset in a buffer above 4 GiB works', () => {
    exercise(new SharedArrayBuffer(4 * GiB + 4096), 1 << 20);
  });

  it('a growable buffer with maxByteLength 4 GiB grows the heap', () => {
    const buffer = new SharedArrayBuffer(32 << 20, { maxByteLength: 4 * GiB }); // metadata for 2 GiB: ~16 MiB
    const h = createHeap({ buffer, maxWorkers: 1, learning: false });
    const p = h.alloc(64 << 20); // beyond the initial 32 MiB: grows
    expect(p).toBeGreaterThan(0);
    expect(buffer.byteLength).toBeGreaterThan(64 << 20);
    h.u8[p + (64 << 20) - 1] = 1;
    h.free(p);
    h.validate();
    // the buffer's owner grows it to the full 4 GiB (a wasm memory.grow): views and attach still work
    buffer.grow(4 * GiB);
    const w = attachHeap(h.handle) as Heap;
    const q = w.alloc(100);
    w.u8[q + 99] = 3;
    expect(h.u8[q + 99]).toBe(3);
    w.free(q);
    w.detach();
    h.validate();
  });

  it('createHeap({ size }) above what a heap can reach is still refused with a code', () => {
    expect(() => createHeap({ buffer: new SharedArrayBuffer(4 * GiB), byteLength: 3 * GiB, learning: false })).toThrow(
      expect.objectContaining({ code: 'HAKMEM_BAD_OPTION' }),
    );
  });
});
