/**
 * Runs the example in Node, in two worker_threads: `node node.mjs [iterations]`. Prints what each
 * thread did and what is left in the heap (nothing).
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runExample } from './host.mjs';

export async function runInNode({ wasm = new URL('./main.wasm', import.meta.url), threads = 2, iters = 20_000 } = {}) {
  const bytes = await readFile(wasm);
  return runExample({
    bytes, threads, iters,
    spawn: (data) => new Promise((ok, fail) => {
      const w = new Worker(new URL('./thread-node.mjs', import.meta.url), { workerData: data });
      w.once('message', ok);
      w.once('error', fail);
    }),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runInNode({ iters: Number(process.argv[2] ?? 20_000) });
  console.log(JSON.stringify(r, null, 2));
  const errors = r.threads.reduce((n, t) => n + t.errors, 0) + r.reports.length;
  process.exitCode = errors === 0 && r.inUse === 0 ? 0 : 1;
}
