// Bad input across workers: each case reports the error code it got.
import { parentPort, workerData } from 'node:worker_threads';
import { attachHeap } from 'hakmem';

const { handle, cases } = workerData;
const out = {};
const code = (f) => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e.code ?? String(e);
  }
};
if (cases.includes('attach')) out.attach = code(() => attachHeap(handle));
else {
  const h = attachHeap(handle);
  for (const [name, p] of Object.entries(workerData.ptrs)) out[name] = code(() => h.free(p));
  h.detach();
}
parentPort.postMessage(out);
