/** --ab: paired runs against another checkout's build (here: this checkout's own build). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { otherChild, renderAb, runAb } from '../src/random-mixed/ab.js';
import { MIXED_DEFAULTS } from '../src/random-mixed/params.js';
import { runPairs, summarize } from '../src/report/paired.js';

describe('paired runs', () => {
  it('alternate the order and take the median of the ratios', () => {
    const order: string[] = [];
    let t = 0;
    const pairs = runPairs(4, () => (order.push('a'), 2 + t++), () => (order.push('b'), 1));
    expect(order).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
    const s = summarize(pairs);
    expect(pairs.map((p) => p.ratio)).toEqual([2, 3, 4, 5]);
    expect([s.ratio, s.min, s.max]).toEqual([3.5, 2, 5]);
  });
});

describe('--ab', () => {
  it('parses DIR, pairs and runner, with defaults', () => {
    expect(parseArgs(['--ab', '../other']).ab).toEqual({ dir: '../other', pairs: 20, runner: 'hakmem' });
    expect(parseArgs(['--ab=x', '--ab-pairs', '5', '--ab-runner', 'limit']).ab).toEqual({ dir: 'x', pairs: 5, runner: 'limit' });
    expect(parseArgs([]).ab).toBeUndefined();
    expect(() => parseArgs(['--ab-pairs', '0', '--ab', 'x'])).toThrow(/at least 1/);
  });

  it('says how to get the other tree built when it is not', () => {
    const empty = mkdtempSync(join(tmpdir(), 'hakmem-ab-'));
    expect(() => otherChild(empty)).toThrow(/pnpm build/);
  });

  it('runs this tree and the other one in pairs and reports this / other', () => {
    // the other tree: a built child that reports 1000 ops/s per 1000 cycles, for the hakmem runner only,
    // so its figures show that B ran there, with the runner and the parameters asked for
    const other = mkdtempSync(join(tmpdir(), 'hakmem-ab-other-'));
    mkdirSync(join(other, 'tools/bench/dist/random-mixed'), { recursive: true });
    writeFileSync(
      join(other, 'tools/bench/dist/random-mixed/child.js'),
      `const a = process.argv; const runner = a[a.indexOf('--runner') + 1]; const params = JSON.parse(a[a.indexOf('--params') + 1]);
       console.log(JSON.stringify({ runner, params, opsPerSec: runner === 'hakmem' ? params.cycles : 1 }));\n`,
    );
    const params = { ...MIXED_DEFAULTS, cycles: 50_000 };
    const lines: string[] = [];
    const r = runAb({ dir: other, runner: 'hakmem', pairs: 2, params, progress: (l) => lines.push(l) });
    expect(r.pairs).toHaveLength(2);
    for (const p of r.pairs) {
      expect(p.b).toBe(50_000); // the other tree's child, given the runner and the parameters
      expect(p.a).toBeGreaterThan(0); // this tree's own run, a real measurement
      expect(p.a).not.toBe(50_000);
      expect(p.ratio).toBe(p.a / 50_000);
    }
    const ratios = r.pairs.map((p) => p.a / 50_000).sort((x, y) => x - y);
    expect([r.ratio, r.min, r.max]).toEqual([(ratios[0] + ratios[1]) / 2, ratios[0], ratios[1]]);
    expect(lines).toEqual(r.pairs.map((p, k) => `[ab pair ${k + 1}/2] hakmem: this tree / ${other} = ${p.ratio.toFixed(3)}`));
    expect(renderAb(r)).toContain(`this tree / other = ${r.ratio.toFixed(3)}x`);
  });
});
