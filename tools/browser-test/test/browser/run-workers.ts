/**
 * Starts pairs of stamp workers on a heap (module Workers, `attachHeap(heap.handle)` in each), waits
 * until all have attached, lets the caller look at the heap then, and collects their reports.
 */
import type { StampJob, StampReport } from './stamp.js';

export interface Run {
  /** the slots the workers attached to */
  slots: number[];
  workers: Worker[];
  /** let them run; resolves to their reports (every worker has detached then) */
  go(): Promise<StampReport[]>;
}

export function startStampWorker(): Worker {
  return new Worker(new URL('./stamp-worker.ts', import.meta.url), { type: 'module' });
}

export async function startPairs(handle: unknown, pairs: number, job: Omit<StampJob, 'handle' | 'id' | 'seed'>): Promise<Run> {
  const workers: Worker[] = [];
  const attached: Promise<number>[] = [];
  const reports: Promise<StampReport>[] = [];
  for (let i = 0; i < pairs; i++) {
    const { port1, port2 } = new MessageChannel();
    for (const port of [port1, port2]) {
      const id = workers.length + 1;
      const w = startStampWorker();
      workers.push(w);
      let onAttached: (slot: number) => void;
      let onReport: (r: StampReport) => void;
      attached.push(new Promise((ok) => (onAttached = ok)));
      reports.push(new Promise((ok, fail) => {
        onReport = ok;
        w.onerror = (e) => fail(new Error(`worker ${id}: ${e.message}`));
      }));
      w.onmessage = (e: MessageEvent) => {
        if (typeof e.data?.attached === 'number') onAttached(e.data.attached);
        else if (e.data?.report) onReport(e.data.report as StampReport);
      };
      w.postMessage({ job: { ...job, handle, id, seed: 0x9e3779b9 * id }, port }, [port]);
    }
  }
  const slots = await Promise.all(attached);
  return {
    slots,
    workers,
    go: async () => {
      for (const w of workers) w.postMessage('go');
      const r = await Promise.all(reports);
      for (const w of workers) w.terminate();
      return r;
    },
  };
}
