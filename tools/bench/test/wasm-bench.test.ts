/**
 * The wasm bench row with small counts (never its timings): it runs at 1 and 2 threads beside
 * hakmem called from JS, every thread does the reference ops, the ratios are there, the heap checks
 * pass, and the table, the chart and the results JSON carry it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIXED_DEFAULTS } from '../src/random-mixed/params.js';
import { renderChart } from '../src/report/chart.js';
import { machine } from '../src/report/machine.js';
import { buildResults, chartSpec } from '../src/report/results.js';
import { runWasmBench } from '../src/wasm/bench.js';
import { isBuilt } from '../src/wasm/build.js';
import { renderWasmReport } from '../src/wasm/print.js';

const P = { ...MIXED_DEFAULTS, cycles: 20_000 };

describe('the bench row', () => {
  it('runs the wasm rows (hakmem, dlmalloc) at 1 and 2 threads beside hakmem from JS, with paired ratios, the table and the chart', () => {
    const r = runWasmBench({ params: P, repeat: 1, only: ['hakmem', 'wasm-hakmem', 'wasm-dlmalloc'] });
    for (const s of r.skipped) console.warn(`NOTICE: wasm bench: ${s.name}: ${s.reason}`);
    const names = ['hakmem', 'wasm-hakmem', 'wasm-dlmalloc'].filter((n) => n === 'hakmem' || isBuilt(n.replace('wasm-', '') as 'hakmem'));
    expect(r.rows.map((x) => `${x.name} x${x.workers}`).sort()).toEqual(names.flatMap((n) => [`${n} x1`, `${n} x2`]).sort());
    for (const row of r.rows) {
      expect(row.fidelity).toBe('ok');
      expect(row.vsHakmemJs).toBeGreaterThan(0);
      expect(row.vsOne).toBeGreaterThan(0);
      if (isBuilt('dlmalloc')) expect(row.vsDlmalloc).toBeGreaterThan(0);
      if (row.kind !== 'js') expect(row.source).toMatch(/committed build|built now/);
      expect(row.memory?.bytes).toBeGreaterThan(0);
    }
    expect(r.rows.filter((x) => x.check !== undefined).every((x) => x.check === 'ok')).toBe(true);
    const m = machine();
    const text = renderWasmReport(r, m);
    expect(text).toContain('vs dlmalloc');
    expect(text).toContain('targets (issue 13)');
    const svg = renderChart(chartSpec(r, m, 'test'));
    expect(svg).toContain('wasm32: hakmem via imports x2');
    expect(buildResults('test', m, false, [r]).benchmarks.wasm).toBe(r);
  });
});

describe('without the builds and without compilers', () => {
  it('skips the wasm rows with a visible notice, never silently', () => {
    const empty = mkdtempSync(join(tmpdir(), 'hakmem-wasm-none-'));
    const env = { PATH: process.env.PATH, HAKMEM_NO_INSTALL: process.env.HAKMEM_NO_INSTALL };
    try {
      process.env.PATH = '/nonexistent'; // no clang-14, no emcc (nor apt-get)
      process.env.HAKMEM_NO_INSTALL = '1';
      const r = runWasmBench({ params: P, repeat: 1, only: ['wasm-hakmem', 'wasm-dlmalloc'], wasmOut: empty });
      expect(r.rows).toEqual([]);
      expect(r.skipped.map((s) => s.name)).toEqual(['wasm-hakmem', 'wasm-dlmalloc']);
      for (const s of r.skipped) expect(s.reason).toMatch(/^skipped: .*not installed and HAKMEM_NO_INSTALL=1/);
      const text = renderWasmReport(r, machine());
      expect(text).toMatch(/NOTICE: wasm-hakmem: skipped: clang-14/);
      expect(text).toMatch(/NOTICE: wasm-dlmalloc: skipped: emscripten/);
    } finally {
      process.env.PATH = env.PATH;
      if (env.HAKMEM_NO_INSTALL === undefined) delete process.env.HAKMEM_NO_INSTALL;
      else process.env.HAKMEM_NO_INSTALL = env.HAKMEM_NO_INSTALL;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
