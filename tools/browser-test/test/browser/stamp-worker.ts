/**
 * A browser module Worker that attaches to a heap and runs rounds of stamped allocations with a
 * peer: each round it allocates `batch` blocks, stamps them, keeps half and sends the other half to
 * the peer over a MessagePort; then it checks and frees the peer's half (cross-worker frees) and its
 * own. Messages: {job, port} to start; it answers {attached: slot}, waits for 'go', runs, detaches,
 * answers the StampReport.
 */
import { attachHeap } from 'hakmem';
import { damaged, rng, stamp, type StampJob, type StampReport } from './stamp.js';

type Block = [p: number, size: number, id: number];

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
};

let go: () => void;
const started = new Promise<void>((ok) => (go = ok));

scope.onmessage = (e: MessageEvent) => {
  if (e.data === 'go') return go();
  const { job, port } = e.data as { job: StampJob; port: MessagePort };
  run(job, port).then((r) => scope.postMessage({ report: r }));
};

async function run(job: StampJob, port: MessagePort): Promise<StampReport> {
  const heap = attachHeap(job.handle as Parameters<typeof attachHeap>[0]);
  const r: StampReport = {
    id: job.id, slot: heap.slot, small: 0, large: 0, nulls: 0, remoteFreed: 0, damaged: 0, samples: [], error: null,
  };
  const inbox: Block[][] = [];
  let wake: (() => void) | null = null;
  port.onmessage = (m: MessageEvent) => {
    inbox.push(m.data as Block[]);
    wake?.();
  };
  const next = async (): Promise<Block[]> => {
    while (inbox.length === 0) await new Promise<void>((ok) => (wake = ok));
    return inbox.shift()!;
  };
  // a headered heap's free ignores the size; a headerless one needs it
  const free = (b: Block) => heap.free(b[0], b[1]);
  const checkAndFree = (b: Block) => {
    const bad = damaged(heap, b[0], b[1], b[2]);
    if (bad > 0) {
      r.damaged++;
      if (r.samples.length < 5) r.samples.push(`${b[2] >>> 24}:${heap.i32[b[0] >>> 2] >>> 24} at ${b[0]}`);
    }
    free(b);
  };
  scope.postMessage({ attached: heap.slot });
  await started;
  const random = rng(job.seed);
  let seq = 0;
  try {
    for (let round = 0; round < job.rounds; round++) {
      const mine: Block[] = [];
      const theirs: Block[] = [];
      for (let i = 0; i < job.batch; i++) {
        const large = job.largeEvery > 0 && i % job.largeEvery === job.largeEvery - 1;
        const size = large ? (100 + Math.floor(random() * 200)) << 10 : 8 * (1 + Math.floor(random() * (job.maxSmall / 8)));
        const p = heap.alloc(size);
        if (p === 0) {
          r.nulls++;
          continue;
        }
        if (large) r.large++;
        else r.small++;
        const id = (job.id << 24) | (seq++ & 0xffffff);
        stamp(heap, p, size, id);
        (i & 1 ? theirs : mine).push([p, size, id]);
      }
      port.postMessage(theirs);
      for (const b of await next()) {
        checkAndFree(b);
        r.remoteFreed++;
      }
      for (const b of mine) checkAndFree(b);
    }
  } catch (e) {
    r.error = `${(e as { code?: string }).code ?? ''} ${(e as Error).message}`;
  }
  heap.detach();
  port.close();
  return r;
}
