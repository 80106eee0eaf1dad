/**
 * The line budget of the three boxes (DESIGN.md, "Sign-off"): pool-tls + pool-refill +
 * ace-learning src/ under 1000 lines without blank and comment lines, counted by
 * tools/scripts/box-lines.mjs, which `pnpm test` also prints.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// a plain .mjs script (no types): its functions return what the casts below say
import { codeLines, countBoxes, LIMIT } from '../box-lines.mjs';

const root = new URL('../../..', import.meta.url).pathname;
const script = new URL('../box-lines.mjs', import.meta.url).pathname;

describe('box-lines', () => {
  it('counts code lines only: not blank lines, // lines, /* */ or /** */ blocks; code around a comment counts', () => {
    const text = [
      '/**', ' * A header.', ' */', '', 'import { x } from "./x.js";', '  // a note', 'const a = 1; // trailing',
      '/* one line */', '/* a block */ const b = 2;', '/*', 'still comment', '*/ const c = 3;', '   ', 'const s = "// not a comment";',
    ].join('\n');
    expect(codeLines(text)).toBe(5);
  });

  it('every .ts file of the three boxes src/ is counted, tests aside', () => {
    const { files, total } = countBoxes(root) as { files: Array<{ file: string; lines: number }>; total: number };
    expect(files.map((f) => f.file)).toContain('packages/pool-tls/src/cache.ts');
    expect(files.map((f) => f.file)).toContain('packages/pool-refill/src/engine.ts');
    expect(files.map((f) => f.file)).toContain('packages/ace-learning/src/learner.ts');
    expect(files.every((f) => f.lines > 0 && !f.file.includes('.test.'))).toBe(true);
    expect(total).toBe(files.reduce((a, f) => a + f.lines, 0));
  });

  it(`the three boxes stay under the budget (${LIMIT} lines)`, () => {
    const { total } = countBoxes(root) as { total: number };
    expect(total).toBeLessThanOrEqual(LIMIT);
  });

  it('the command prints the total and fails over the limit', () => {
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
    expect(out).toMatch(/^box lines: \d+ of 1000 /m);
    let status = 0;
    try {
      execFileSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, HAKMEM_BOX_LINES_LIMIT: '10' }, stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(1);
  });
});
