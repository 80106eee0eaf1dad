// mode 'view': rebuild a view from (type, ptr, count) posted by the main thread (one call), read
// it, free it through the view, answer with a view of our own as (ptr, count).
// mode 'grow': grow the heap with a large block and answer with its pointer.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, mode, ptr, count } = workerData;
const h = attachHeap(handle);
if (mode === 'grow') {
  const p = h.alloc(3 << 20);
  h.detach();
  parentPort.postMessage({ ptr: p, byteLength: h.buffer.byteLength });
} else {
  const v = h.view(Float64Array, ptr, count);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  h.free(v);
  const w = h.mallocAs(BigInt64Array, 3);
  w.set([1n, 2n, 3n]);
  h.detach();
  parentPort.postMessage({ sum, ptr: w.byteOffset, count: w.length });
}
