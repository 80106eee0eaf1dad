/**
 * Runs the example in a browser page, in two module Workers. The page must be cross-origin
 * isolated (COOP/COEP headers: vite.config.mjs sets them for `vite`), or SharedArrayBuffer and a
 * shared WebAssembly.Memory do not exist.
 */
import { runExample } from './host.mjs';

export async function runInBrowser({ wasm = new URL('./main.wasm', import.meta.url), threads = 2, iters = 20_000 } = {}) {
  if (!globalThis.crossOriginIsolated) throw new Error('this page is not cross-origin isolated: serve it with COOP/COEP headers');
  const bytes = await (await fetch(wasm)).arrayBuffer();
  return runExample({
    bytes, threads, iters,
    spawn: (data) => new Promise((ok, fail) => {
      const w = new Worker(new URL('./thread-browser.mjs', import.meta.url), { type: 'module' });
      w.onmessage = (e) => {
        w.terminate();
        ok(e.data);
      };
      w.onerror = (e) => fail(new Error(`thread: ${e.message}`));
      w.postMessage(data);
    }),
  });
}
