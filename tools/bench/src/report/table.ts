/** Plain-text tables and number formats shared by every benchmark's report. */
export type Align = 'left' | 'right';

export interface Column {
  title: string;
  align?: Align;
}

/** A plain-text table: a header, a rule, the rows; columns padded to their widest cell. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** ops/s in millions: 3 significant digits at least, e.g. 92.4, 1.87, 0.0452 */
export function formatMops(opsPerSec: number): string {
  const m = opsPerSec / 1e6;
  if (!Number.isFinite(m)) return '-';
  if (m >= 100) return m.toFixed(0);
  if (m >= 10) return m.toFixed(1);
  if (m >= 1) return m.toFixed(2);
  return m.toPrecision(3);
}

/** A ratio like 0.85x; '-' when there is no reference. */
export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '-';
  if (r >= 0.1) return `${r.toFixed(2)}x`;
  return `${r.toPrecision(2)}x`;
}

export const formatInt = (n: number): string => n.toLocaleString('en-US');

/** Wrap text at `width` columns, each line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && (cur.length + 1 + w.length > width)) {
      lines.push(cur);
      cur = indent + w;
    } else {
      cur = cur ? `${cur} ${w}` : w;
    }
  }
  if (cur) lines.push(cur);
  return lines.join('\n');
}
