// One thread of the port of mimalloc's test/test-stress.c (facts kept, code our own): sizes in
// powers of two words with a few large, huge and giant ones, every object calloc'ed (checked
// zero) and every word stamped with (items - i) ^ COOKIE, checked when it is freed; pointers
// swapped with a shared transfer array by Atomics.exchange; its `data` and `retained` arrays live
// in the heap too (grown with realloc). Some threads end without detach: watch() reclaims them.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';
import { COOKIE, checkItems, makeRandom } from './stress-items.mjs';

const { handle, transfer, tid, scale, detach } = workerData;
const h = attachHeap(handle);
const tr = new Int32Array(transfer);
const r = makeRandom(tid * 43 + 1);
const chance = (perc) => r() % 100 <= perc;
const out = { tid, bad: [], nonZero: 0, allocs: 0, frees: 0, exhausted: 0 };

function allocItems(items) {
  if (chance(1)) {
    if (chance(1)) items *= 10000; // giant
    else if (chance(10)) items *= 1000; // huge
    else items *= 100; // large
  }
  if (items === 40) items++;
  if (items === 0) items = 1;
  const p = h.calloc(items, 4);
  if (p === 0) {
    out.exhausted++;
    return 0;
  }
  out.allocs++;
  const w = h.u32;
  const a = p >>> 2;
  for (let i = 0; i < items; i++) {
    if (w[a + i] !== 0) {
      out.nonZero++;
      break;
    }
  }
  for (let i = 0; i < items; i++) w[a + i] = ((items - i) ^ COOKIE) >>> 0;
  return p;
}

function freeItems(p) {
  if (p === 0) return;
  const err = checkItems(h.u32, p);
  if (err && out.bad.length < 5) out.bad.push(err);
  h.free(p);
  out.frees++;
}

// data and retained: arrays of pointers kept in the heap (u32 words)
let allocs = 100 * scale * ((tid % 8) + 1);
let retain = allocs >>> 1;
let data = 0;
let dataSize = 0;
let dataTop = 0;
const retained = h.calloc(retain, 4);
let retainTop = 0;
const get = (arr, i) => h.u32[(arr >>> 2) + i];
const set = (arr, i, v) => (h.u32[(arr >>> 2) + i] = v);

while (allocs > 0 || retain > 0) {
  if (retain === 0 || (chance(50) && allocs > 0)) {
    allocs--;
    if (dataTop >= dataSize) {
      dataSize += 1000;
      const d = h.realloc(data, dataSize * 4);
      if (d === 0) throw new Error('the heap is exhausted: realloc of the data array failed');
      data = d;
    }
    set(data, dataTop++, allocItems(1 << (r() % 5)));
  } else {
    set(retained, retainTop++, allocItems(1 << (r() % 7)));
    retain--;
  }
  if (chance(66) && dataTop > 0) {
    const idx = r() % dataTop;
    freeItems(get(data, idx));
    set(data, idx, 0);
  }
  if (chance(25) && dataTop > 0) {
    const idx = r() % dataTop;
    const q = Atomics.exchange(tr, r() % tr.length, get(data, idx) | 0) >>> 0;
    set(data, idx, q);
  }
}
for (let i = 0; i < retainTop; i++) freeItems(get(retained, i));
for (let i = 0; i < dataTop; i++) freeItems(get(data, i));
h.free(retained);
if (data !== 0) h.free(data);
if (detach) h.detach();
parentPort.postMessage({ type: 'done', ...out });
// without detach: the thread just ends here, its slot still attached (watch reclaims it)
