/**
 * The diagnostics demo: a heap with counters (and low-water marks) and learning, workers allocating and freeing
 * (a share of the frees on blocks other workers allocated), and the main thread attached to the
 * same heap reading it every second, as a monitoring tool would.
 */
import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { HeapView, snapshot, type Snapshot } from '@hakmem/pool-diagnostics';
import { createHeap } from './create.js';

export interface DemoOptions {
  seconds: number;
  workers: number;
  /** write each snapshot to this file as well (for `hakmem diag --watch file` elsewhere) */
  out?: string;
  every(s: Snapshot): void;
}

export async function runDemo(o: DemoOptions): Promise<void> {
  const heap = createHeap({ size: 128 << 20, counters: 'low-water', maxWorkers: Math.max(4, o.workers) });
  const table = new SharedArrayBuffer(4 * 4096);
  const stop = new SharedArrayBuffer(4);
  const url = new URL('./demo-worker.js', import.meta.url);
  const ws = Array.from({ length: o.workers }, (_, id) =>
    heap.watch(new Worker(url, { workerData: { handle: heap.handle, table, stop, id } })),
  );
  const exited = ws.map((w) => new Promise((ok) => w.once('exit', ok)));
  // the clock starts once every worker is attached (a loaded machine starts Workers slowly)
  for (let t = 0; heap.attachedSlots().length < o.workers + 1 && t < 600; t++) await new Promise((ok) => setTimeout(ok, 50));
  // each table's low-water marks cover the second before it: a new interval after every snapshot
  const view = new HeapView(heap.buffer, heap.byteOffset);
  view.startInterval();
  for (let t = 0; t < o.seconds; t++) {
    await new Promise((ok) => setTimeout(ok, 1000));
    const s = snapshot(view);
    view.startInterval();
    if (o.out) writeFileSync(o.out, JSON.stringify(s));
    console.log(`\n--- demo, ${t + 1} s: ${o.workers} workers allocating and freeing`);
    o.every(s);
  }
  Atomics.store(new Int32Array(stop), 0, 1);
  await Promise.all(exited);
  const t32 = new Int32Array(table);
  for (let k = 0; k < t32.length; k++) if (t32[k] !== 0) heap.free(t32[k]);
  await heap.close();
}
