/**
 * The C example: the committed main.wasm runs in two Node worker_threads with hakmem serving its
 * malloc & co. through mallocImports (no block damaged, every block 16-aligned and every
 * over-aligned one aligned as asked, every block freed, the other thread's blocks freed through the
 * mailbox); and where clang-14 and wasm-ld are present (installed here if root), build.sh rebuilds
 * it from main.c to the same bytes, and that build runs too. Its Chromium run is in
 * tools/browser-test (test/browser/wasm-c.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: plain JavaScript, as a user writes it
import { runInNode } from '../node.mjs';
import { findToolchain, type Toolchain } from './toolchain.js';

interface ThreadResult { slot: number; ops: number; errors: number; nulls: number; not16: number; crossFreed: number; aligned: number; misaligned: number; reports: string[] }
interface Result {
  threads: ThreadResult[]; drained: number; reports: string[]; blocksLive: number; inUse: number; heapBase: number; heapAt: number;
  startBytes: number; memoryBytes: number; maxBytes: number;
}

const dir = fileURLToPath(new URL('..', import.meta.url));
const ITERS = 20_000;

function expectClean(r: Result): void {
  expect(r.threads.flatMap((t) => t.reports).concat(r.reports)).toEqual([]);
  expect(r.threads.map((t) => t.errors)).toEqual([0, 0]);
  expect(r.threads.map((t) => t.ops)).toEqual([ITERS, ITERS]);
  // every block C got is 16-aligned (max_align_t), every over-aligned one as aligned as asked
  expect(r.threads.map((t) => t.not16)).toEqual([0, 0]);
  expect(r.threads.map((t) => t.misaligned)).toEqual([0, 0]);
  expect(r.threads.every((t) => t.aligned > 0)).toBe(true);
  expect(r.threads.map((t) => t.nulls)).toEqual([0, 0]);
  expect(new Set(r.threads.map((t) => t.slot)).size).toBe(2);
  // blocks went from one thread to the other through the mailbox, and were freed there
  expect(r.threads.reduce((n, t) => n + t.crossFreed, 0)).toBeGreaterThan(0);
  expect(r.heapAt).toBeGreaterThan(r.heapBase);
  // the heap grew the memory as the program allocated, within its maximum
  expect(r.memoryBytes).toBeGreaterThan(r.startBytes);
  expect(r.memoryBytes).toBeLessThanOrEqual(r.maxBytes);
  expect(r.blocksLive).toBe(0);
  expect(r.inUse).toBe(0);
}

test('the committed main.wasm runs in two Node workers on one shared memory', async () => {
  const r: Result = await runInNode({ iters: ITERS });
  expectClean(r);
});

describe('build.sh', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hakmem-wasm-c-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  // an install (root, no clang yet) takes a few tens of seconds: the hook's timeout, not the test's
  let tools: Toolchain;
  beforeAll(() => {
    tools = findToolchain();
  });

  test('rebuilds main.wasm from main.c with clang-14 and wasm-ld, byte for byte, and the build runs', async (ctx) => {
    if (!tools.clang) {
      console.warn(`examples/wasm-c: SKIPPED: ${tools.notice}`);
      ctx.skip(tools.notice);
      return;
    }
    const out = join(tmp, 'main.wasm');
    const b = spawnSync('sh', [join(dir, 'build.sh')], { env: { ...process.env, OUT: out }, encoding: 'utf8' });
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(Buffer.compare(readFileSync(out), readFileSync(join(dir, 'main.wasm'))), 'main.wasm is the build of main.c').toBe(0);
    expectClean(await runInNode({ wasm: out, iters: ITERS }));
  });
});
