/**
 * `pnpm --filter @hakmem/pack-check report`: pack every published package (built first: run
 * `pnpm build`) and print the tarballs with their sizes, and what a user installs for each stack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closure, packAll } from './pack.js';
import { STACKS } from './stacks.js';

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
const dest = mkdtempSync(join(tmpdir(), 'hakmem-report-'));
try {
  const all = (await packAll(dest)).sort((a, b) => a.name.localeCompare(b.name));
  const rows = all.map((t) => [t.name, t.version, kib(t.bytes), kib(t.unpackedBytes), String(t.files.length)]);
  const head = ['package', 'version', 'tarball', 'unpacked', 'files'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  console.log([line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n'));
  console.log('\nstacks (npm install <these>; the rest comes as dependencies):');
  for (const s of STACKS) {
    const got = closure(all, s.installs);
    const size = got.reduce((n, t) => n + t.bytes, 0);
    console.log(`  ${s.name}: ${s.what}\n    npm install ${s.installs.join(' ')}\n    installs ${got.map((t) => t.name).join(', ')} (${kib(size)} of tarballs)`);
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}
