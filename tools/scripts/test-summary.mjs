#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace package that has a test script and prints
// `tests: N passed, N failed` as the last line. A package whose report is missing counts as a
// failure: a run that executed nothing must be visible.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const since = Number(process.env.HAKMEM_TESTS_SINCE ?? 0); // ms epoch: ignore older reports
let passed = 0;
let failed = 0;
const lines = [];
for (const group of ['packages', 'tools', 'examples']) {
  for (const dir of readdirSync(join(root, group)).sort()) {
    const pj = join(root, group, dir, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const report = join(root, group, dir, '.vitest-report.json');
    if (!existsSync(report) || statSync(report).mtimeMs < since) {
      failed++;
      lines.push(`  ${pkg.name}: no test report (its tests did not run)`);
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const p = r.numPassedTests ?? 0;
    // a file that failed to load has no failed test of its own: count it as one failure
    const brokenFiles = (r.testResults ?? []).filter(
      (t) => t.status === 'failed' && !(t.assertionResults ?? []).some((a) => a.status === 'failed'),
    ).length;
    const f = (r.numFailedTests ?? 0) + brokenFiles;
    passed += p;
    failed += f;
    lines.push(`  ${pkg.name}: ${p} passed, ${f} failed${r.numPendingTests ? `, ${r.numPendingTests} skipped` : ''}`);
  }
}
console.log(lines.join('\n'));
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
