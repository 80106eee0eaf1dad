/** The plain-text report of a larson run: one table per parameter set. */
import { type Machine, machineLine } from '../report/machine.js';
import { formatMops, formatRatio, renderTable, wrap } from '../report/table.js';
import { formatMiB, formatVsLive } from '../memory/peak.js';
import type { LarsonReport, LarsonRow } from './bench.js';
import { paramLine } from './params.js';

const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)} %`);
const mib = (b: number) => `${Math.round((b / 2 ** 20) * 10) / 10} MiB`;

function paramsCell(row: LarsonRow): string {
  const extra = [row.deviation, row.heapBytes !== undefined ? `heap ${mib(row.heapBytes)}` : '', row.workers ? `W=${row.workers}` : '']
    .filter(Boolean)
    .join('; ');
  return `${paramLine(row.params)}${extra ? ` (${extra})` : ''}`;
}

export function renderLarsonReport(r: LarsonReport, m: Machine): string {
  const out: string[] = [];
  out.push(
    `larson (BENCHMARKS.md), ${r.repeat} run(s) per row; parameters in larson's order: ` +
      'sleep_s min_size max_size chunks_per_thread rounds seed threads; ops = allocations',
  );
  out.push(machineLine(m, r.gcc ? [r.gcc] : []));
  const spread = r.repeat > 1;
  const columns = [
    { title: 'allocator' },
    { title: 'variant' },
    { title: 'parameters' },
    { title: 'M ops/s', align: 'right' as const },
    ...(spread ? [{ title: 'spread', align: 'right' as const }] : []),
    { title: 'vs limit', align: 'right' as const },
    { title: 'vs glibc', align: 'right' as const },
    { title: 'vs mimalloc', align: 'right' as const },
    { title: 'x-gen frees', align: 'right' as const },
    { title: 'x-worker frees', align: 'right' as const },
    { title: 'live MiB', align: 'right' as const },
    { title: 'peak MiB', align: 'right' as const },
    { title: 'memory vs live', align: 'right' as const },
  ];
  for (const set of r.sets) {
    const rows = r.rows.filter((row) => row.set === set.id && row.params.threads === set.params.threads);
    out.push('');
    out.push(
      `${set.id}'s set \`${set.published}\`, run as \`${paramLine(set.params)}\`` +
        (set.deviation ? ` (${set.deviation})` : ' (as published)') + ':',
    );
    out.push(
      renderTable(
        columns,
        rows.map((row) => [
          row.label,
          row.variant,
          paramsCell(row),
          formatMops(row.opsPerSec),
          ...(spread ? [`${formatMops(row.minOpsPerSec)}..${formatMops(row.maxOpsPerSec)}`] : []),
          formatRatio(row.ratios.limit),
          formatRatio(row.ratios.glibc),
          formatRatio(row.ratios.mimalloc),
          pct(row.counts.olderFrees, row.counts.allocs),
          pct(row.counts.crossFrees, row.counts.allocs),
          formatMiB(row.memory?.liveBytes),
          row.memory ? `${formatMiB(row.memory.bytes)} ${row.memory.kind}` : '-',
          formatVsLive(row.memory),
        ]),
      ),
    );
  }
  out.push('');
  for (const s of r.skipped) out.push(`${s.set ? `${s.set}: ` : ''}${s.name}: ${s.reason}`);
  const absent = (['limit', 'glibc', 'mimalloc'] as const).filter((ref) => !r.rows.some((row) => row.ratios[ref] !== undefined));
  if (absent.length > 0) out.push(`(no ${absent.join(', ')} figure in this run: its ratio column shows '-')`);
  out.push('notes:');
  for (const n of r.notes) out.push(wrap(`- ${n}`, 110, '  '));
  return out.join('\n');
}
