#!/usr/bin/env node
// The line budget of the three boxes (DESIGN's checklist, issue 12): lines of src/ of pool-tls,
// pool-refill and ace-learning without blank lines and comment-only lines (`//` lines, and
// `/* ... */` blocks that hold no code). Prints each file's count and the total; exits 1 when the
// total is over the limit (1000, or HAKMEM_BOX_LINES_LIMIT). `node tools/scripts/box-lines.mjs`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BOXES = ['pool-tls', 'pool-refill', 'ace-learning'];
export const LIMIT = 1000;

/** Lines of `text` that hold code: not blank, not inside or made of a comment alone. */
export function codeLines(text) {
  let n = 0;
  let inBlock = false;
  for (const raw of text.split('\n')) {
    let t = raw.trim();
    if (inBlock) {
      const end = t.indexOf('*/');
      if (end < 0) continue;
      inBlock = false;
      t = t.slice(end + 2).trim();
    }
    // comments that open the line (a block may close and code follow on the same line)
    while (t.startsWith('/*')) {
      const end = t.indexOf('*/', 2);
      if (end < 0) {
        inBlock = true;
        t = '';
        break;
      }
      t = t.slice(end + 2).trim();
    }
    if (t === '' || t.startsWith('//')) continue;
    n++;
  }
  return n;
}

/** Per file of the boxes' src/ (sorted), its code lines; and the total. */
export function countBoxes(root) {
  const files = [];
  for (const box of BOXES) {
    const dir = join(root, 'packages', box, 'src');
    for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
      if (!/\.[cm]?tsx?$/.test(f) || /\.test\.[cm]?tsx?$/.test(f)) continue;
      files.push({ file: `packages/${box}/src/${f}`, lines: codeLines(readFileSync(join(dir, f), 'utf8')) });
    }
  }
  return { files, total: files.reduce((a, f) => a + f.lines, 0) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('../..', import.meta.url).pathname;
  const limit = Number(process.env.HAKMEM_BOX_LINES_LIMIT ?? LIMIT);
  const { files, total } = countBoxes(root);
  if (process.argv.includes('--files')) for (const f of files) console.log(`${String(f.lines).padStart(5)}  ${f.file}`);
  const ok = total <= limit;
  console.log(`box lines: ${total} of ${limit} (pool-tls + pool-refill + ace-learning src/, without blank and comment lines)${ok ? '' : ': OVER THE BUDGET'}`);
  process.exit(ok ? 0 : 1);
}
