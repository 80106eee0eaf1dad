/**
 * examples/wasm-c in Chromium: the C program (its committed main.wasm) in two module Workers, each
 * instantiating the module on one shared WebAssembly.Memory with its own stack, malloc & co. served
 * by hakmem placed above __heap_base. No block damaged, every block freed, blocks freed by the
 * other thread. (Its build check and Node run: examples/wasm-c/test.)
 */
// @ts-expect-error: the example is plain JavaScript, as a user writes it
import { runInBrowser } from '@hakmem/example-wasm-c/browser.mjs';
import { expect, test } from 'vitest';

interface ThreadResult { slot: number; ops: number; errors: number; not16: number; crossFreed: number; aligned: number; misaligned: number; reports: string[] }

test('the C example runs in two module Workers on one shared WebAssembly.Memory', async () => {
  const iters = 20_000;
  const r = (await runInBrowser({ iters })) as {
    threads: ThreadResult[]; reports: string[]; blocksLive: number; inUse: number; heapAt: number; heapBase: number; startBytes: number; memoryBytes: number;
  };
  expect(r.threads.flatMap((t) => t.reports).concat(r.reports)).toEqual([]);
  expect(r.threads.map((t) => t.errors)).toEqual([0, 0]);
  expect(r.threads.map((t) => t.ops)).toEqual([iters, iters]);
  // mallocImports: every block 16-aligned, every over-aligned one as asked
  expect(r.threads.map((t) => t.not16)).toEqual([0, 0]);
  expect(r.threads.map((t) => t.misaligned)).toEqual([0, 0]);
  expect(r.threads.every((t) => t.aligned > 0)).toBe(true);
  expect(r.threads.reduce((n, t) => n + t.crossFreed, 0)).toBeGreaterThan(0);
  expect(r.heapAt).toBeGreaterThan(r.heapBase);
  expect(r.memoryBytes).toBeGreaterThan(r.startBytes); // the heap grew the memory, and both Workers followed
  expect(r.blocksLive).toBe(0);
  expect(r.inUse).toBe(0);
});
