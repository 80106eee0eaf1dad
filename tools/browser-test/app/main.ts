/**
 * A small app as a user would write it: a heap with its learner in a Worker (`mode: 'worker'`; the
 * default starts one only when inline learning falls behind), bursts of allocations now and then,
 * and its numbers on the page. Built with `vite build` (no worker
 * options), served with COOP/COEP, it must run the learner in a Worker: the bundle test
 * (test/node/bundle.test.ts) reads `window.hakmemApp`.
 */
import { createHeap } from 'hakmem';

const heap = createHeap({ size: 16 << 20, learning: { mode: 'worker' } }); // the bundle's learner Worker is what this app proves
const out = document.getElementById('out')!;

function burst(round: number): void {
  const ps: number[] = [];
  for (let i = 0; i < 4000; i++) ps.push(heap.alloc(16 + ((i * 7 + round) % 96) * 16));
  for (const p of ps) heap.free(p);
  heap.flush(); // cached blocks back: the next burst refills again, and reports it
}

let round = 0;
setInterval(() => {
  burst(round++);
  const l = heap.stats().learning!;
  out.textContent = `learner ${l.learner.mode}, events consumed ${l.ring.consumed}, pushed ${l.ring.pushed}`;
}, 20);

(globalThis as { hakmemApp?: unknown }).hakmemApp = {
  crossOriginIsolated: globalThis.crossOriginIsolated,
  learning: () => heap.stats().learning,
};
