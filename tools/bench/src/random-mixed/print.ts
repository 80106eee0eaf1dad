/** The plain-text report of a random-mixed run. */
import { type Machine, machineLine } from '../report/machine.js';
import { formatInt, formatMops, formatRatio, renderTable, wrap } from '../report/table.js';
import { formatMiB, formatVsLive } from '../memory/peak.js';
import type { MixedReport } from './bench.js';
import type { MixedParams } from './params.js';

/** 10000000 -> 10M, 100000 -> 100k; anything else as it is. */
export function compactCount(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

export const paramString = (p: MixedParams): string =>
  `cycles=${compactCount(p.cycles)} ws=${p.ws} seed=${p.seed} min=${p.min} max=${p.max}`;

export function renderMixedReport(r: MixedReport, m: Machine): string {
  const out: string[] = [];
  out.push(`random-mixed (BENCHMARKS.md): cycles=${r.params.cycles} ws=${r.params.ws} seed=${r.params.seed} min=${r.params.min} max=${r.params.max}, ${r.repeat} run(s) per allocator`);
  out.push(machineLine(m, r.gcc ? [r.gcc] : []));
  out.push('');
  const spread = r.repeat > 1;
  const columns = [
    { title: 'allocator' },
    { title: 'parameters' },
    { title: 'M ops/s', align: 'right' as const },
    ...(spread ? [{ title: 'spread', align: 'right' as const }] : []),
    { title: 'vs limit', align: 'right' as const },
    { title: 'vs glibc', align: 'right' as const },
    { title: 'vs mimalloc', align: 'right' as const },
    { title: 'live MiB', align: 'right' as const },
    { title: 'peak MiB', align: 'right' as const },
    { title: 'memory vs live', align: 'right' as const },
  ];
  const rows = r.rows.map((row) => [
    row.label,
    paramString(row.params) + (row.deviation ? ` (${row.deviation})` : ''),
    formatMops(row.opsPerSec),
    ...(spread ? [`${formatMops(row.minOpsPerSec)}..${formatMops(row.maxOpsPerSec)}`] : []),
    formatRatio(row.ratios.limit),
    formatRatio(row.ratios.glibc),
    formatRatio(row.ratios.mimalloc),
    formatMiB(row.memory?.liveBytes),
    row.memory ? `${formatMiB(row.memory.bytes)} ${row.memory.kind}` : '-',
    formatVsLive(row.memory),
  ]);
  out.push(renderTable(columns, rows));
  for (const s of r.skipped) out.push(`${s.name}: ${s.reason}`);
  const absent = (['limit', 'glibc', 'mimalloc'] as const).filter((ref) => !r.rows.some((row) => row.ratios[ref] !== undefined));
  if (absent.length > 0) out.push(`(no ${absent.join(', ')} figure in this run: its ratio column shows '-')`);
  out.push('');
  out.push('notes:');
  for (const n of r.notes) out.push(wrap(`- ${n}`, 110, '  '));
  for (const row of r.rows) {
    const c = row.check;
    if (!c) continue;
    // refills and drains over the heap's life: prefault, main loop and drain of the measured run
    const ops = row.counts.prefault.allocs + row.counts.prefault.frees + row.counts.main.allocs + row.counts.main.frees + row.counts.drain.frees;
    const perM = (n: unknown) => ((Number(n) / ops) * 1e6).toFixed(1);
    let line = `- ${row.label} after the drain: validate() ${c.validate}, stats().bytes.inUse = ${formatInt(Number(c.inUse))}`;
    if (c.refills !== undefined) {
      line += `; ${perM(c.refills)} refills and ${perM(c.drains)} drains per million ops, ${formatInt(Number(c.cachedBytes))} bytes cached`;
    }
    const l = c.learning as null | { events: number; dropped: number; dropRate: number; decisions: number; learnerCpuMs: number | null };
    if (l) {
      line += `; learner: ${formatInt(l.events)} events, ${formatInt(l.dropped)} dropped (${(100 * l.dropRate).toFixed(3)} %), ${formatInt(l.decisions)} policy changes, ${l.learnerCpuMs === null ? '?' : l.learnerCpuMs.toFixed(1)} ms CPU`;
    }
    if (row.memory?.committed !== undefined) {
      line += `; peak reserved ${formatMiB(row.memory.reserved)} MiB of ${formatMiB(row.memory.committed)} MiB committed`;
    }
    out.push(wrap(line, 110, '  '));
  }
  return out.join('\n');
}
