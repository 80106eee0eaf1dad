/**
 * One SVG chart per benchmark, written as plain text (no charting dependency): a row per
 * allocator, on the left its speed as ratios against the references measured in the same run
 * (one bar per reference, a line at 1.0x), on the right its peak memory over the benchmark's
 * peak live bytes. Ratios above the axis's end are drawn to the end with their value printed.
 */

export interface ChartRow {
  label: string;
  /** ratio name -> value (undefined: no such reference in the run, drawn as '-') */
  ratios: Record<string, number | undefined>;
  /** peak memory / peak live bytes */
  memVsLive?: number;
  /** the memory figure's kind, printed after the value (reserved, rss, ...) */
  memKind?: string;
}

export interface ChartGroup {
  /** a heading above the group's rows ('' for none) */
  title: string;
  rows: ChartRow[];
}

export interface ChartSpec {
  title: string;
  /** lines under the title: parameters, machine, command */
  subtitle: string[];
  /** the ratio names, in bar order (e.g. 'vs limit', 'vs glibc', 'vs mimalloc') */
  ratioNames: string[];
  groups: ChartGroup[];
}

/** Geometry, exported for the tests. */
export const G = {
  /** with the narrowest label column */
  width: 920,
  /** at least; wider for long labels */
  labelW: 200,
  ratioW: 440,
  gap: 50,
  memW: 200,
  bar: 9,
  rowPad: 8,
  line: 16,
  top: 20,
} as const;

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2'];
const MEM_COLOR = '#9c755f';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (r: number): string => (r >= 0.1 ? `${r.toFixed(2)}x` : `${r.toPrecision(2)}x`);

/** The axis end: the largest finite value rounded up to a half, at least 1.5, at most `cap`. */
export function axisMax(values: readonly (number | undefined)[], cap: number): number {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const m = finite.length ? Math.max(...finite) : 1;
  return Math.min(cap, Math.max(1.5, Math.ceil(m * 2) / 2));
}

/** Width in pixels of a bar for `v` on an axis of `max` over `w` pixels (clipped to the axis). */
export const barWidth = (v: number, max: number, w: number): number => Math.max(0, Math.min(w, (v / max) * w));

export function renderChart(spec: ChartSpec): string {
  const allRows = spec.groups.flatMap((g) => g.rows);
  // the label column fits the longest label (11px text: about 6.3px a character)
  const labelW = Math.max(G.labelW, Math.ceil(6.3 * Math.max(0, ...allRows.map((r) => r.label.length))) + 24);
  const width = labelW + G.ratioW + G.gap + G.memW + (G.width - G.labelW - G.ratioW - G.gap - G.memW);
  const rMax = axisMax(allRows.flatMap((r) => spec.ratioNames.map((n) => r.ratios[n])), 3);
  const mMax = axisMax(allRows.map((r) => r.memVsLive), 5);
  const nBars = Math.max(1, spec.ratioNames.length);
  const rowH = nBars * G.bar + G.rowPad;
  const x0 = labelW;
  const m0 = labelW + G.ratioW + G.gap;
  const out: string[] = [];
  let y = G.top;
  const text = (x: number, yy: number, s: string, attrs = '') => out.push(`<text x="${x}" y="${yy}"${attrs}>${escapeXml(s)}</text>`);

  text(10, y, spec.title, ' class="title"');
  y += G.line + 2;
  for (const s of spec.subtitle) {
    text(10, y, s, ' class="sub"');
    y += G.line - 2;
  }
  y += 6;
  // legend
  let lx = x0;
  spec.ratioNames.forEach((n, i) => {
    out.push(`<rect x="${lx}" y="${y - 9}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    text(lx + 14, y, n, ' class="sub"');
    lx += 14 + 6 * n.length + 16;
  });
  out.push(`<rect x="${m0}" y="${y - 9}" width="10" height="10" fill="${MEM_COLOR}"/>`);
  text(m0 + 14, y, 'peak memory / peak live', ' class="sub"');
  y += G.line;
  const plotTop = y;
  const rows: string[] = [];
  for (const g of spec.groups) {
    if (g.title) {
      y += 4;
      rows.push(`<text x="10" y="${y + 10}" class="group">${escapeXml(g.title)}</text>`);
      y += G.line;
    }
    for (const r of g.rows) {
      const mid = y + (nBars * G.bar) / 2 + 4;
      rows.push(`<text x="10" y="${mid}" class="label">${escapeXml(r.label)}</text>`);
      spec.ratioNames.forEach((n, i) => {
        const v = r.ratios[n];
        const by = y + i * G.bar;
        if (v === undefined || !Number.isFinite(v)) {
          rows.push(`<text x="${x0 + 2}" y="${by + G.bar - 1}" class="val">-</text>`);
          return;
        }
        const w = barWidth(v, rMax, G.ratioW);
        rows.push(`<rect class="bar" data-ratio="${escapeXml(n)}" x="${x0}" y="${by}" width="${w.toFixed(1)}" height="${G.bar - 1}" fill="${COLORS[i % COLORS.length]}"/>`);
        rows.push(`<text x="${(x0 + Math.min(w, G.ratioW - 40) + 3).toFixed(1)}" y="${by + G.bar - 1}" class="val">${escapeXml(fmt(v))}</text>`);
      });
      if (r.memVsLive !== undefined && Number.isFinite(r.memVsLive)) {
        const w = barWidth(r.memVsLive, mMax, G.memW);
        rows.push(`<rect class="mem" x="${m0}" y="${y}" width="${w.toFixed(1)}" height="${nBars * G.bar - 1}" fill="${MEM_COLOR}"/>`);
        const label = `${fmt(r.memVsLive)}${r.memKind ? ` ${r.memKind}` : ''}`;
        rows.push(`<text x="${(m0 + Math.min(w, G.memW - 60) + 3).toFixed(1)}" y="${mid}" class="val">${escapeXml(label)}</text>`);
      } else {
        rows.push(`<text x="${m0 + 2}" y="${mid}" class="val">-</text>`);
      }
      y += rowH;
    }
  }
  const plotBottom = y;
  // axes: ticks every 0.5x, the 1.0x line stronger
  const axes: string[] = [];
  for (let t = 0; t <= rMax + 1e-9; t += 0.5) {
    const x = x0 + (t / rMax) * G.ratioW;
    axes.push(`<line x1="${x.toFixed(1)}" y1="${plotTop}" x2="${x.toFixed(1)}" y2="${plotBottom}" class="${t === 1 ? 'one' : 'grid'}"/>`);
    axes.push(`<text x="${x.toFixed(1)}" y="${plotBottom + 12}" class="tick">${t.toFixed(1)}x</text>`);
  }
  for (let t = 0; t <= mMax + 1e-9; t += mMax > 3 ? 1 : 0.5) {
    const x = m0 + (t / mMax) * G.memW;
    axes.push(`<line x1="${x.toFixed(1)}" y1="${plotTop}" x2="${x.toFixed(1)}" y2="${plotBottom}" class="${t === 1 ? 'one' : 'grid'}"/>`);
    axes.push(`<text x="${x.toFixed(1)}" y="${plotBottom + 12}" class="tick">${t.toFixed(1)}x</text>`);
  }
  const height = plotBottom + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:15px;font-weight:bold}.sub{font-size:11px;fill:#444}.group{font-size:12px;font-weight:bold}' +
      '.label{font-size:11px}.val{font-size:9px;fill:#222}.tick{font-size:9px;fill:#666;text-anchor:middle}' +
      '.grid{stroke:#ddd;stroke-width:1}.one{stroke:#888;stroke-width:1.5}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...axes,
    ...out,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
