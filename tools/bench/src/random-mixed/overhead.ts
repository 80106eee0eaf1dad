/**
 * The metrics overhead: hakmem with counters on against the default heap, as paired runs. Each
 * pair runs the two back to back (order alternating), so the machine's drift hits both; the
 * figure is the median of the pairs' ratios. A counter costs about one percent, well inside one
 * run's noise on a shared machine: a median of single runs per row could not tell.
 */
import { intervalText, pair, runPairs, summarize } from '../report/paired.js';

/** what one measured run reports (bench.ts's MixedRun; not imported from there: no cycle) */
interface MixedRun {
  opsPerSec: number;
}

export interface OverheadPair {
  off: number;
  on: number;
  ratio: number;
}

export interface Overhead {
  /** the row measured against 'hakmem' */
  row: string;
  pairs: OverheadPair[];
  /** median of the pairs' on / off, and its 95 % confidence interval */
  ratio: number;
  ci: [number, number] | null;
  min: number;
  max: number;
}

/** Pairs from the main rounds (the same round) plus `extra` more, run here. */
export function measureOverhead(
  row: string,
  offRuns: MixedRun[],
  onRuns: MixedRun[],
  extra: number,
  /** one run of `name`, pair `k` of the extra ones */
  run: (name: string, k: number) => MixedRun,
  say: (line: string) => void,
): Overhead {
  const pairs: OverheadPair[] = [];
  const add = (off: number, on: number) => pairs.push({ off, on, ratio: on / off });
  for (let k = 0; k < Math.min(offRuns.length, onRuns.length); k++) add(offRuns[k].opsPerSec, onRuns[k].opsPerSec);
  // A = off (the default heap, first in even pairs), B = on
  const more = runPairs(extra, (k) => run('hakmem', k).opsPerSec, (k) => run(row, k).opsPerSec, (k, p) =>
    say(`[overhead pair ${k + 1}/${extra}] hakmem and ${row}: on / off = ${(p.b / p.a).toFixed(3)}`),
  );
  for (const p of more) add(p.a, p.b);
  const s = summarize(pairs.map((p) => pair(p.on, p.off)));
  return { row, pairs, ratio: s.ratio, ci: s.ci, min: s.min, max: s.max };
}

/** The note: the figure, its spread and how it was measured. */
export function overheadNote(o: Overhead, label: string, target?: number): string {
  const pct = (r: number) => `${(100 * (r - 1)).toFixed(1)} %`;
  return (
    `metrics overhead, ${label} / default heap (no counter on its hot path) = ${o.ratio.toFixed(3)}x (${pct(o.ratio)}), ` +
    `median of ${o.pairs.length} paired runs in this run (95 % CI ${intervalText(o.ci)}, ` +
    `pairs ${o.min.toFixed(3)}..${o.max.toFixed(3)})` +
    (target !== undefined ? `; target: under ${target} % lost, ${verdict(o, target)}` : '') +
    '.'
  );
}

/** Met only if the whole interval is above the line; not met if the median is below it. */
function verdict(o: Overhead, target: number): string {
  const line = 1 - target / 100;
  if (o.ratio <= line) return 'NOT met';
  return o.ci && o.ci[0] > line ? 'met' : 'met by the median, not yet by the 95 % interval (more pairs tell)';
}
