/**
 * A stress run of the example under load (it found the race of a memory object that had not yet
 * seen another thread's grow: arena/src/memory.ts, bufferCovering): RUNS runs of the two
 * Node workers at ITERS iterations each, counting runs that threw or reported errors. Start several
 * at once to load the machine:  node stress.mjs [RUNS=40] [ITERS=20000]
 */
import { runInNode } from './node.mjs';

const runs = Number(process.argv[2] ?? 40);
const iters = Number(process.argv[3] ?? 20000);
let fails = 0;
for (let k = 0; k < runs; k++) {
  try {
    const r = await runInNode({ iters });
    const errors = (r.threads ?? []).reduce((a, t) => a + (t.errors ?? 0), 0);
    if (errors) { fails++; console.log('errors', errors); }
  } catch (e) {
    fails++;
    console.log('threw', String(e.stack ?? e).slice(0, 1500));
  }
}
console.log(`stress: ${fails} of ${runs} runs failed`);
