/**
 * Runs a fault scenario (an orchestrator script under ./workers) in a Worker of its own and waits
 * for its facts. A wedged heap can block the orchestrator's thread for good (inside a reclaim, a
 * lock), so the budget is enforced from here: when it runs out the orchestrator and every worker it
 * started are terminated, and the test fails naming the phase it stuck in. The budget is a hang
 * detector, not a timing assertion.
 */
import { Worker } from 'node:worker_threads';

export interface Phase {
  name: string;
  [k: string]: unknown;
}

const live = new Set<Worker>();

export async function runScenario<T = Record<string, unknown>>(script: string, data: Record<string, unknown>, budgetMs: number): Promise<T> {
  const w = new Worker(new URL(`./workers/${script}`, import.meta.url), { workerData: data });
  live.add(w);
  const phases: Phase[] = [];
  try {
    return await new Promise<T>((ok, no) => {
      const timer = setTimeout(() => {
        const last = phases.at(-1);
        no(new Error(`hung: no result after ${budgetMs} ms, stuck in phase "${last?.name ?? 'start'}" ${JSON.stringify(last ?? {})}`));
      }, budgetMs);
      w.on('message', (m) => {
        if (m.type === 'phase') phases.push(m);
        if (m.type === 'result') {
          clearTimeout(timer);
          ok(m.facts as T);
        }
      });
      w.once('error', (e) => {
        clearTimeout(timer);
        no(e);
      });
      w.once('exit', (c) => {
        clearTimeout(timer);
        no(new Error(`the orchestrator exited (${c}) without a result; last phase ${JSON.stringify(phases.at(-1))}`));
      });
    });
  } finally {
    await stopAll();
  }
}

/** Terminate every orchestrator still running (its nested workers end with it). For afterEach. */
export async function stopAll(): Promise<void> {
  const ws = [...live];
  live.clear();
  await Promise.all(ws.map((w) => w.terminate()));
}

export const SOAK = process.env.HAKMEM_SOAK === '1';
