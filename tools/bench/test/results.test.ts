/**
 * What pnpm bench writes besides its tables: the JSON of every figure (its shape, from a real tiny
 * run) and the SVG charts (bar geometry, missing references, escaping), and the memory column.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMixedBench } from '../src/random-mixed/bench.js';
import { MIXED_DEFAULTS } from '../src/random-mixed/params.js';
import { renderMixedReport } from '../src/random-mixed/print.js';
import { axisMax, barWidth, type ChartSpec, escapeXml, G, renderChart } from '../src/report/chart.js';
import { machine } from '../src/report/machine.js';
import { buildResults, chartSpec, replot, RESULTS_SCHEMA, type Results, writeResults } from '../src/report/results.js';
import { gcc } from './helpers.js';

const spec = (rows: ChartSpec['groups'][number]['rows']): ChartSpec => ({
  title: 'T', subtitle: ['machine', 'pnpm bench'], ratioNames: ['vs limit', 'vs glibc'], groups: [{ title: 'set <1>', rows }],
});
const rects = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<rect class="${cls}"[^>]*>`, 'g'))].map((m) => m[0]);
const attr = (el: string, a: string) => Number(new RegExp(` ${a}="([^"]*)"`).exec(el)?.[1]);

describe('SVG charts', () => {
  it('draws one bar per reference a row has, to scale, and the memory bar beside it', () => {
    const svg = renderChart(spec([
      { label: 'a', ratios: { 'vs limit': 1, 'vs glibc': 0.5 }, memVsLive: 2, memKind: 'reserved' },
      { label: 'b', ratios: { 'vs limit': 0.25, 'vs glibc': undefined } },
    ]));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const bars = rects(svg, 'bar');
    expect(bars).toHaveLength(3); // b has no glibc figure: no bar, a '-'
    const max = axisMax([1, 0.5, 0.25], 3);
    expect(max).toBe(1.5);
    expect(attr(bars[0], 'width')).toBeCloseTo((1 / max) * G.ratioW, 0);
    expect(attr(bars[1], 'width')).toBeCloseTo((0.5 / max) * G.ratioW, 0);
    expect(attr(bars[2], 'width')).toBeCloseTo((0.25 / max) * G.ratioW, 0);
    const mem = rects(svg, 'mem');
    expect(mem).toHaveLength(1);
    expect(attr(mem[0], 'width')).toBeCloseTo((2 / axisMax([2], 5)) * G.memW, 0);
    expect(svg).toContain('2.00x reserved');
    expect(svg).toContain('>-</text>');
  });

  it('clips a ratio beyond the axis and prints its value; escapes text', () => {
    expect(barWidth(40, 3, 440)).toBe(440);
    expect(axisMax([40], 3)).toBe(3);
    const svg = renderChart(spec([{ label: 'x<y & "z"', ratios: { 'vs limit': 40, 'vs glibc': 0.0014 } }]));
    expect(attr(rects(svg, 'bar')[0], 'width')).toBe(G.ratioW);
    expect(svg).toContain('40.00x');
    expect(svg).toContain('0.0014x');
    expect(svg).toContain(escapeXml('x<y & "z"'));
    expect(svg).toContain('set &lt;1&gt;');
    expect(svg).not.toContain('x<y');
  });
});

describe('results JSON and the memory column', () => {
  it('a real run: every row with ops/s, ratios and memory; the JSON and one chart per benchmark written', () => {
    const only = gcc ? ['limit', 'hakmem', 'glibc'] : ['limit', 'hakmem'];
    const r = runMixedBench({ params: { ...MIXED_DEFAULTS, cycles: 20_000 }, repeat: 1, only, slowDivisor: 100, overheadPairs: 0 });
    const m = machine();
    const text = renderMixedReport(r, m);
    expect(text).toMatch(/live MiB +peak MiB +memory vs live/);
    for (const row of r.rows) {
      expect(row.memory, row.name).toBeDefined();
      expect(row.memory!.liveBytes).toBeGreaterThan(0);
      expect(row.memory!.vsLive).toBeCloseTo(row.memory!.bytes / row.memory!.liveBytes, 9);
      expect(row.memory!.kind).toBe(row.name === 'limit' ? 'bump' : row.name === 'hakmem' ? 'reserved' : 'rss');
    }
    const hk = r.rows.find((x) => x.name === 'hakmem')!;
    // committed: the buffer's data pages (64 MiB less the metadata); reserved: pages in runs
    expect(hk.memory!.committed).toBeLessThanOrEqual(64 << 20);
    expect(hk.memory!.committed).toBeGreaterThan(hk.memory!.bytes);
    expect(hk.memory!.reserved).toBe(hk.memory!.bytes);

    const res = buildResults('pnpm bench --cycles 20000', m, false, [r]);
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    const files = writeResults(dir, res);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['latest.json', 'random-mixed.svg']);
    const back = JSON.parse(readFileSync(files[0], 'utf8')) as Results;
    expect(back.schema).toBe(RESULTS_SCHEMA);
    expect(back.command).toBe('pnpm bench --cycles 20000');
    expect(back.machine).toMatchObject({ cpu: m.cpu, cores: m.cores, node: process.version });
    const rm = back.benchmarks['random-mixed'] as typeof r;
    expect(rm.params.cycles).toBe(20_000);
    expect(rm.rows.map((x) => x.name)).toEqual(r.rows.map((x) => x.name));
    for (const row of rm.rows) {
      expect(row.opsPerSec).toBeGreaterThan(0);
      expect(row.ratios.limit).toBeGreaterThan(0);
      expect(row.memory!.vsLive).toBeGreaterThan(0);
    }
    const svg = readFileSync(files[1], 'utf8');
    const defined = r.rows.reduce((n, x) => n + Object.values(x.ratios).filter((v) => v !== undefined).length, 0);
    expect(rects(svg, 'bar').length).toBe(defined); // one per reference measured in the run
    expect(rects(svg, 'mem').length).toBe(r.rows.length);
    expect(chartSpec(r, m, 'x').groups[0].rows.map((x) => x.label)).toEqual(r.rows.map((x) => x.label));
    // --replot draws the same chart again from the JSON alone
    writeFileSync(files[1], '');
    expect(replot(files[0])).toEqual([files[1]]);
    expect(readFileSync(files[1], 'utf8')).toBe(svg);
  });
});
