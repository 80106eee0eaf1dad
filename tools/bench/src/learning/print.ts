/** The learning benchmark's table and notes. */
import { median } from '../report/stats.js';
import { formatInt, renderTable } from '../report/table.js';
import { SHIFT_DEFAULTS, type ShiftResult } from './shifting.js';
import type { LearningReport } from './bench.js';
import { formatMiB } from '../memory/peak.js';

/** The learner's loop CPU per wake (learning included): what a wake costs on this machine. */
function wakeNote(rs: ShiftResult[]): string {
  const ok = rs.filter((x) => x.learnerCpuMs !== null && x.learnerWakes > 0); // an inline learner has no start-up (null)
  if (ok.length === 0) return '- learner wakes: not measurable here.';
  const us = median(ok.map((x) => (1000 * (x.learnerCpuMs! - (x.learnerStartupCpuMs ?? 0))) / x.learnerWakes));
  return `- learner wakes: ${median(ok.map((x) => x.learnerWakes)).toFixed(0)} a run, ${us.toFixed(0)} µs of its loop's CPU per wake ` +
    '(learning included; the loop sizes its naps so that a wake finds 64 to 256 events).';
}

export function renderLearningReport(r: LearningReport): string {
  const row = (name: string, rs: ShiftResult[]) => {
    const m = (f: (x: ShiftResult) => number) => median(rs.map(f));
    // the loop's share of the run's CPU, and the one-off start of its Worker apart
    const learner = rs.some((x) => x.learnerCpuMs !== null)
      ? `${((100 * m((x) => (x.learnerCpuMs ?? 0) - (x.learnerStartupCpuMs ?? 0))) / m((x) => x.processCpuMs)).toFixed(2)} % ` +
        `(+${m((x) => x.learnerStartupCpuMs ?? 0).toFixed(0)} ms start)`
      : '-';
    return [
      name,
      (m((x) => x.opsPerSec) / 1e6).toFixed(1),
      m((x) => x.refillsPerMop).toFixed(0),
      ((m((x) => x.drains) / m((x) => x.ops)) * 1e6).toFixed(0),
      formatInt(Math.round(m((x) => x.cachedBytesMean) / 1024)),
      formatInt(Math.round(m((x) => x.cachedBytesMax) / 1024)),
      rs[0].learning ? `${(100 * m((x) => x.dropRate)).toFixed(3)} %` : '-',
      learner,
      rs[0].learning ? Object.entries(rs[rs.length - 1].finalCounts).map(([k, v]) => `${k}: ${v}`).join(', ') : 'defaults',
      formatMiB(m((x) => x.peakLiveBytes)),
      `${formatMiB(m((x) => x.peakReserved))} reserved`,
      `${(m((x) => x.peakReserved) / m((x) => x.peakLiveBytes)).toFixed(2)}x`,
    ];
  };
  const cols = ['refill counts', 'M ops/s', 'refills/M ops', 'drains/M ops', 'cached KiB (mean)', 'cached KiB (max)', 'events dropped', 'learner CPU', 'counts at the end', 'live MiB', 'peak MiB', 'memory vs live']
    .map((title, i) => ({ title, align: i === 0 || i === 8 ? ('left' as const) : ('right' as const) }));
  const pct = (x: number) => `${x < 1 ? '-' : '+'}${Math.abs(100 * (x - 1)).toFixed(0)} %`;
  const out = [
    `learning: the shifting workload, ${r.cycles} cycles of (a burst of ${formatInt(SHIFT_DEFAULTS.burst)} 64 B blocks, ` +
      `${formatInt(SHIFT_DEFAULTS.light)} ops over many classes lightly, a burst of ${formatInt(SHIFT_DEFAULTS.burst / 4)} 2 KiB blocks); ` +
      `${r.repeat} run(s) each, medians`,
    '',
    renderTable(cols, [row('fixed defaults', r.fixed), row('learner on', r.learning)]),
    '',
    'notes:',
    `- learner on vs fixed defaults: refills per million ops ${pct(r.refillsRatio)} (target: at least -30 %: ${r.targets.refillsCut ? 'met' : 'NOT met'}), ` +
      `cached bytes ${pct(r.cachedRatio)} (target: at most +10 %: ${r.targets.cachedHeld ? 'met' : 'NOT met'}), ops/s ${pct(r.opsRatio)}.`,
    '- cached bytes: bytes held in the worker cache, read from heap.stats() after every phase (mean and max over the run).',
    '- a burst favours larger refills (fewer slow paths); the light phase favours smaller ones (less memory idle): the learner ' +
      'may raise a count to twice its default (blocks of 2 KiB or less; pool-refill maxCount), never below it (hakmem passes its defaults as minCounts); a cache bound never grows with a count (pool-refill policy.ts).',
    wakeNote(r.learning),
    "- memory: the heap's peak reserved bytes (pages in spans and large blocks, the arena's USED_PAGES word, sampled every " +
      'millisecond by a Worker) against the workload\'s peak live bytes (the sizes it asks for: a burst on top of the light ' +
      "phase's slots); medians. The peak committed bytes (the buffer) are in the JSON.",
    '- learner CPU: the learner thread\'s own CPU time (/proc/thread-self/schedstat, else /proc/thread-self/stat) while it ran its loop, over the ' +
      'process\'s CPU time during the measured run (process.cpuUsage()); in brackets, apart, the CPU its Worker took to start (once per heap: Node\'s ' +
      'Worker bootstrap and the learner\'s modules).',
  ];
  return out.join('\n');
}
