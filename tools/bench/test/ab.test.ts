/** --ab: paired runs against another checkout's build (here: this checkout's own build). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { otherChild, renderAb, runAb } from '../src/random-mixed/ab.js';
import { MIXED_DEFAULTS } from '../src/random-mixed/params.js';
import { runPairs, summarize } from '../src/report/paired.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

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
    const params = { ...MIXED_DEFAULTS, cycles: 200_000 };
    const lines: string[] = [];
    const r = runAb({ dir: ROOT, runner: 'hakmem', pairs: 2, params, progress: (l) => lines.push(l) });
    expect(r.pairs).toHaveLength(2);
    for (const p of r.pairs) expect(p.a > 0 && p.b > 0 && p.ratio === p.a / p.b).toBe(true);
    expect(r.min).toBeLessThanOrEqual(r.ratio);
    expect(r.ratio).toBeLessThanOrEqual(r.max);
    expect(lines).toHaveLength(2);
    expect(renderAb(r)).toMatch(/this tree \/ other = \d+\.\d{3}x/);
  });
});
