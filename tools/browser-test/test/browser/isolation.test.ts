/** The page the browser tests run in is cross-origin isolated, as a user's page must be. */
import { createHeap } from 'hakmem';
import { expect, test } from 'vitest';

test('the page is cross-origin isolated: SharedArrayBuffer and a heap on it', async () => {
  expect(globalThis.crossOriginIsolated).toBe(true);
  expect(typeof SharedArrayBuffer).toBe('function');
  const heap = createHeap({ size: 1 << 20, learning: false });
  const p = heap.alloc(100);
  expect(p).toBeGreaterThan(0);
  heap.free(p);
  expect(heap.validate().blocksLive).toBe(0);
  await heap.close();
});
