/** The plain-text report of a scaling run. */
import { type Machine, machineLine } from '../report/machine.js';
import { formatMops, formatRatio, renderTable, wrap } from '../report/table.js';
import { paramString } from '../random-mixed/print.js';
import { formatMiB, formatVsLive } from '../memory/peak.js';
import type { ScalingReport } from './bench.js';

export function renderScalingReport(r: ScalingReport, m: Machine): string {
  const out: string[] = [];
  out.push(`scaling: random-mixed in 1 and 2 workers at once (${paramString(r.params)} per worker), ${r.repeat} run(s) per row`);
  out.push(machineLine(m));
  out.push('');
  const spread = r.repeat > 1;
  const columns = [
    { title: 'allocator' },
    { title: 'workers', align: 'right' as const },
    { title: 'setup' },
    { title: 'total M ops/s', align: 'right' as const },
    ...(spread ? [{ title: 'spread', align: 'right' as const }] : []),
    { title: 'per worker', align: 'right' as const },
    { title: 'vs 1 worker', align: 'right' as const },
    { title: 'live MiB', align: 'right' as const },
    { title: 'peak MiB', align: 'right' as const },
    { title: 'memory vs live', align: 'right' as const },
  ];
  const rows = r.rows.map((row) => [
    row.label,
    String(row.workers),
    row.kind === 'native' ? row.setup.replace(/^N processes/, `${row.workers} process${row.workers > 1 ? 'es' : ''}`) : row.setup.replace(/^N workers/, `${row.workers} worker${row.workers > 1 ? 's' : ''}`),
    formatMops(row.opsPerSec),
    ...(spread ? [`${formatMops(row.minOpsPerSec)}..${formatMops(row.maxOpsPerSec)}`] : []),
    row.perWorker.map(formatMops).join(' + '),
    formatRatio(row.vsOne),
    formatMiB(row.memory?.liveBytes),
    row.memory ? `${formatMiB(row.memory.bytes)} ${row.memory.kind}` : '-',
    formatVsLive(row.memory),
  ]);
  out.push(renderTable(columns, rows));
  for (const s of r.skipped) out.push(`${s.name}: ${s.reason}`);
  out.push('');
  out.push('notes:');
  for (const n of r.notes) out.push(wrap(`- ${n}`, 110, '  '));
  return out.join('\n');
}
