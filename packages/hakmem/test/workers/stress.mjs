// A worker of the stress tests: random alloc/free over a shared table of (pointer, stamp) pairs.
// Every block carries its stamp (worker id, sequence) at both ends; whoever frees a block checks
// both against the stamp stored beside the pointer: a block handed out twice, or overlapping
// another, shows as a mismatch.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, table, id, ops, seed, dieIn, dieAfter, control } = workerData;
const t = new BigInt64Array(table);
const ctl = new Int32Array(control); // [2 id] stop flag, [2 id + 1] progress
const h = attachHeap(handle);
if (dieIn) {
  // Fault injection: die (process.exit ends this thread at once, no finally runs) inside a cold
  // path, after `dieAfter` calls of the given method of the backend or of one of its parts (its
  // carver, router, adopter): a torn state for reclaim to repair. Patched on the part's class, as
  // the backends this thread makes for other slots (collect) use it too.
  const b = h.core.backend;
  const part = [b, b.carver, b.router, b.adopter].find((o) => typeof o[dieIn] === 'function');
  const proto = Object.getPrototypeOf(part);
  const orig = proto[dieIn];
  let calls = 0;
  proto[dieIn] = function (...a) {
    if (++calls > dieAfter) process.exit(7);
    return orig.apply(this, a);
  };
}
parentPort.postMessage({ type: 'attached', slot: h.slot });
let x = seed | 0;
let seq = 0;
const bad = [];
let allocs = 0;
let frees = 0;
for (let i = 0; i < ops; i++) {
  if ((i & 1023) === 0) {
    Atomics.store(ctl, 2 * id + 1, i);
    if (Atomics.load(ctl, 2 * id) === 1) {
      parentPort.postMessage({ type: 'paused', slot: h.slot });
      for (;;); // a safe point: terminate() lands here, outside the allocator
    }
  }
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  const k = (x >>> 0) % t.length;
  const size = 16 + ((x >>> 8) & ((x & 7) === 0 ? 0x1ffff : 0x3ff)); // some large blocks too
  const p = h.alloc(size);
  if (p === 0) continue;
  allocs++;
  seq = (seq + 1) & 0xffffff;
  const stamp = (id << 24) | seq;
  const i32 = h.i32;
  i32[p >>> 2] = stamp;
  i32[(p + ((size - 4) & ~3)) >>> 2] = stamp;
  const old = Atomics.exchange(t, k, (BigInt(stamp) << 32n) | BigInt(p));
  if (old !== 0n) {
    const q = Number(old & 0xffffffffn);
    const want = Number(old >> 32n);
    const o32 = h.i32;
    if (o32[q >>> 2] !== want) bad.push(`block ${q}: stamp ${o32[q >>> 2]} at its start, expected ${want}`);
    o32[q >>> 2] = -1;
    h.free(q);
    frees++;
  }
}
h.detach();
parentPort.postMessage({ type: 'done', id, allocs, frees, bad: bad.slice(0, 5), nbad: bad.length });
