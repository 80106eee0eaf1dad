// A worker that goes on running after it was declared terminated (as a browser's busy Worker does
// for ~2 s after terminate()): allocates and frees with stamped blocks for `ms`, keeps going on its
// hot path when its cold paths start refusing (HAKMEM_RECLAIMED), then exits without detach,
// still holding what it holds (its app's blocks: they stay allocated).
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, bits, ms, id } = workerData;
const taken = new Int32Array(bits);
const h = attachHeap(handle);
parentPort.postMessage({ type: 'attached', slot: h.slot });
const live = [];
let fenced = 0;
let x = 12345 + id;
const rnd = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
const until = Date.now() + ms;
while (Date.now() < until) {
  try {
    if (live.length < 400 && rnd() % 8 < 5) {
      const size = 16 + (rnd() % 3000);
      const p = h.alloc(size);
      if (p === 0) continue;
      const bit = p >>> 3;
      if ((Atomics.or(taken, bit >>> 5, 1 << (bit & 31)) & (1 << (bit & 31))) !== 0) throw new Error(`block ${p} handed out twice`);
      h.i32[p >>> 2] = id;
      live.push(p);
    } else if (live.length > 0) {
      const k = rnd() % live.length;
      const p = live[k];
      live[k] = live[live.length - 1];
      live.pop();
      if (h.i32[p >>> 2] !== id) throw new Error(`block ${p} overwritten: ${h.i32[p >>> 2]}`);
      const bit = p >>> 3;
      Atomics.and(taken, bit >>> 5, ~(1 << (bit & 31)));
      h.free(p);
    }
  } catch (e) {
    if (e.code !== 'HAKMEM_RECLAIMED') throw e;
    fenced++;
  }
}
parentPort.postMessage({ type: 'done', fenced, held: live.length });
