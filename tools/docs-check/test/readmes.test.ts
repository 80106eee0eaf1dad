/**
 * Every ```js block of a README (and of a page under docs/) runs as it is, in the directory of its package (so the package's
 * own name and its dependencies resolve as they would for a user), against the built packages.
 * A README whose examples need a package its own does not depend on (pool-diagnostics' examples
 * create a heap with `hakmem`) names another directory: `<!-- docs-check: cwd=packages/hakmem -->`.
 * Every `console.log(...)` line ends in `// text`, and the example prints exactly those texts, in order.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;

interface Example {
  readme: string;
  dir: string;
  index: number;
  code: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  const add = (readme: string, dir: string) => {
    const md = readFileSync(readme, 'utf8');
    const cwd = /<!-- docs-check: cwd=(\S+) -->/.exec(md);
    const at = cwd ? join(root, cwd[1]) : dir;
    [...md.matchAll(/```js\n([\s\S]*?)```/g)].forEach((m, index) => out.push({ readme, dir: at, index, code: m[1] }));
  };
  for (const d of readdirSync(join(root, 'packages')).sort()) {
    const readme = join(root, 'packages', d, 'README.md');
    if (existsSync(readme)) add(readme, join(root, 'packages', d));
  }
  add(join(root, 'README.md'), join(root, 'packages', 'hakmem'));
  // pages under docs/ (the migration guide): run where their docs-check comment says
  if (existsSync(join(root, 'docs'))) {
    for (const f of readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md')).sort()) add(join(root, 'docs', f), root);
  }
  return out;
}

/** The expected output: the trailing comment of each console.log line, in order. */
function expected(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => /console\.log\(/.test(l) && /\/\/ (.+)$/.test(l))
    .map((l) => /\/\/ (.+)$/.exec(l)![1].trim());
}

const all = examples();

describe('README examples', () => {
  it('there are examples to run', () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
  });

  it.each(all.map((e) => [`${e.readme.slice(root.length)} #${e.index + 1}`, e] as const))('%s runs and prints what it says', (_n, e) => {
    const file = join(e.dir, `.readme-example-${e.index}.mjs`);
    writeFileSync(file, e.code);
    try {
      const out = execFileSync(process.execPath, [file], { cwd: e.dir, encoding: 'utf8', timeout: 30_000 });
      const want = expected(e.code);
      // every console.log line says what it prints, and the example prints exactly those lines
      expect(e.code.split('\n').filter((l) => /console\.log\(/.test(l)).length).toBe(want.length);
      const got = out.trim().split('\n').filter((l) => l.length > 0);
      expect(got).toEqual(want);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
