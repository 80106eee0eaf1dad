// A worker of the big-buffer tests: a heap above 2 GiB, pointers exchanged as unsigned 32-bit
// numbers through a shared table of (stamp << 32 | pointer) pairs. It frees the creator's blocks
// of table[0, n) (checking their stamps at both ends), flushes (so they wait in the creator's
// inbox), allocates n stamped blocks of its own into table[n, 2n), and waits for the creator to
// free some of them; then it detaches, or ends without detach (the creator's watch reclaims it).
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, table, control, n, detach } = workerData;
const t = new BigInt64Array(table);
const ctl = new Int32Array(control); // [0]: the creator is done with this worker's blocks
const h = attachHeap(handle);
const bad = [];
// a block's stamp: its first and its last word (of its usable bytes)
const ends = (p, usable) => [p >>> 2, (p + usable - 4) >>> 2];

let minPtr = 2 ** 32;
for (let k = 0; k < n; k++) {
  const v = Atomics.exchange(t, k, 0n);
  if (v === 0n) continue;
  const p = Number(v & 0xffffffffn);
  const stamp = Number(v >> 32n);
  const size = h.usableSize(p);
  for (const w of ends(p, size)) if (h.i32[w] !== stamp) bad.push(`creator's block ${p}: stamp ${h.i32[w]}, expected ${stamp}`);
  h.free(p);
}
h.flush(); // the creator's blocks go to its inbox: a reclaim of this slot must leave them there
for (let k = 0; k < n; k++) {
  const size = k % 7 === 6 ? 100_000 + k * 8 : 16 + ((k * 40) % 2000);
  const p = h.alloc(size);
  if (p === 0 || p !== p >>> 0) {
    bad.push(`alloc(${size}) gave ${p}`);
    continue;
  }
  minPtr = Math.min(minPtr, p);
  const stamp = 0x5000_0000 | k;
  for (const w of ends(p, h.usableSize(p))) h.i32[w] = stamp;
  Atomics.store(t, n + k, (BigInt(stamp) << 32n) | BigInt(p));
}
parentPort.postMessage({ type: 'allocated', slot: h.slot, minPtr, bad });
Atomics.wait(ctl, 0, 0);
if (detach) h.detach();
parentPort.postMessage({ type: 'done', bad });
