/** The plain-text report of the wasm benchmark. */
import { type Machine, machineLine } from '../report/machine.js';
import { formatMops, formatRatio, renderTable, wrap } from '../report/table.js';
import { paramString } from '../random-mixed/print.js';
import { formatMiB, formatVsLive } from '../memory/peak.js';
import type { WasmReport } from './bench.js';

export function renderWasmReport(r: WasmReport, m: Machine): string {
  const out: string[] = [];
  out.push(`wasm: random-mixed compiled to wasm32, in 1 and 2 threads (${paramString(r.params)} per thread), ${r.repeat} run(s) per row`);
  out.push(machineLine(m));
  out.push('');
  const spread = r.repeat > 1;
  const columns = [
    { title: 'allocator' },
    { title: 'threads', align: 'right' as const },
    { title: 'total M ops/s', align: 'right' as const },
    ...(spread ? [{ title: 'spread', align: 'right' as const }] : []),
    { title: 'per thread', align: 'right' as const },
    { title: 'vs dlmalloc', align: 'right' as const },
    { title: 'vs hakmem JS', align: 'right' as const },
    { title: 'vs 1 thread', align: 'right' as const },
    { title: 'live MiB', align: 'right' as const },
    { title: 'peak MiB', align: 'right' as const },
    { title: 'memory vs live', align: 'right' as const },
  ];
  const rows = r.rows.map((row) => [
    row.label,
    String(row.workers),
    formatMops(row.opsPerSec),
    ...(spread ? [`${formatMops(row.minOpsPerSec)}..${formatMops(row.maxOpsPerSec)}`] : []),
    row.perWorker.map(formatMops).join(' + '),
    formatRatio(row.vsDlmalloc),
    formatRatio(row.vsHakmemJs),
    formatRatio(row.vsOne),
    formatMiB(row.memory?.liveBytes),
    row.memory ? `${formatMiB(row.memory.bytes)} ${row.memory.kind}` : '-',
    formatVsLive(row.memory),
  ]);
  out.push(renderTable(columns, rows));
  for (const s of r.skipped) out.push(`NOTICE: ${s.name}: ${s.reason}`);
  out.push('');
  out.push('sources:');
  const seen = new Set<string>();
  for (const row of r.rows) {
    const key = `${row.label}: ${row.source.replace(/\b\d (Workers|processes)/, 'N $1')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(wrap(`- ${key}`, 110, '  '));
  }
  out.push('');
  out.push('notes:');
  for (const n of r.notes) out.push(wrap(`- ${n}`, 110, '  '));
  return out.join('\n');
}
