/**
 * Paired runs: A and B back to back, the order alternating, so that the machine's drift hits both;
 * the figure is the median of the pairs' ratios. On a shared machine a difference of a few percent
 * is inside one run's noise, and only pairing tells it.
 */
import { median, medianInterval } from './stats.js';

export interface Pair {
  a: number;
  b: number;
  /** a / b */
  ratio: number;
}

export interface Paired {
  pairs: Pair[];
  /** median of a / b */
  ratio: number;
  min: number;
  max: number;
  /** 95 % confidence interval of the median (order statistics), null under 6 pairs */
  ci: [number, number] | null;
}

export const pair = (a: number, b: number): Pair => ({ a, b, ratio: a / b });

/** `n` pairs of `runA(k)` and `runB(k)` (ops/s each; k = the pair's index), A first in even pairs. */
export function runPairs(n: number, runA: (k: number) => number, runB: (k: number) => number, say: (k: number, p: Pair) => void = () => {}): Pair[] {
  const out: Pair[] = [];
  for (let k = 0; k < n; k++) {
    let a: number;
    let b: number;
    if (k % 2 === 0) {
      a = runA(k);
      b = runB(k);
    } else {
      b = runB(k);
      a = runA(k);
    }
    out.push(pair(a, b));
    say(k, out[k]);
  }
  return out;
}

export function summarize(pairs: Pair[]): Paired {
  const r = pairs.map((p) => p.ratio);
  return { pairs, ratio: median(r), min: Math.min(...r), max: Math.max(...r), ci: medianInterval(r) };
}

/** An interval as the reports print it: `0.944..1.007`, `-` when there is none. */
export const intervalText = (ci: [number, number] | null): string => (ci ? `${ci[0].toFixed(3)}..${ci[1].toFixed(3)}` : '-');
