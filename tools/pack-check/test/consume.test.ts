/**
 * Issue 6: pack every package, then consume the tarballs as a user would, outside the workspace:
 * plain npm installs only the boxes a stack needs (offline: a missing dependency fails), the
 * user's code runs from JavaScript and from strict TypeScript, in the main thread and in a Worker
 * on the same shared memory, with stamped blocks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRefillCount } from '@hakmem/pool-refill';
import { closure, packAll, type Tarball } from '../src/pack.js';
import { addFiles, compileTs, installedOfOurs, runJson, userProject } from '../src/project.js';
import { STACKS } from '../src/stacks.js';
import { ROOT } from '../src/workspace.js';

interface Run {
  main: {
    allocs: number; failed: number; badStamps: number; refills?: number; counts?: number[]; cachedAfterFlush?: number;
    typed?: { sum: number; big: string };
  };
  types?: { headerless: boolean[]; sums: number[]; bigs: string[] };
  worker: Run['main'];
  end: { valid: boolean; inUse: number; learning?: boolean };
}

/**
 * What each stack's own policy sets for its first and last class; the stacks wired from the boxes
 * report their engine's refills, counts and what their cache holds after a flush (the umbrella
 * keeps its engine inside).
 */
const EXPECTED_COUNTS: Record<string, number[] | null> = {
  'fixed-policy': [16, 4], // the user's counts: 16 up to 256 B, 4 above (class 16 B, class 64 KiB)
  'own-backend': [defaultRefillCount(16), defaultRefillCount(1024)],
  umbrella: null,
};

let dest: string;
let tarballs: Tarball[];
const dirs: string[] = [];

beforeAll(async () => {
  dest = mkdtempSync(join(tmpdir(), 'hakmem-tarballs-'));
  tarballs = await packAll(dest);
});

afterAll(() => {
  for (const d of [dest, ...dirs]) if (d) rmSync(d, { recursive: true, force: true });
});

function expectRan(r: Run, stack: string): void {
  for (const side of [r.main, r.worker]) {
    expect(side.allocs).toBeGreaterThan(1000);
    expect(side.failed).toBe(0);
    expect(side.badStamps).toBe(0);
    expect(stack in EXPECTED_COUNTS, stack).toBe(true);
    const counts = EXPECTED_COUNTS[stack];
    if (counts === null) {
      expect([side.refills, side.counts, side.cachedAfterFlush]).toEqual([undefined, undefined, undefined]);
    } else {
      expect(side.refills).toBeGreaterThan(0);
      expect(side.counts).toEqual(counts);
      expect(side.cachedAfterFlush).toBe(0);
    }
  }
  expect(r.end).toMatchObject({ valid: true, inUse: 0 });
}

describe('the tarballs', () => {
  it('hold the build, the types, the README and the package.json, and no tests', () => {
    expect(tarballs.length).toBeGreaterThanOrEqual(6);
    for (const t of tarballs) {
      expect(t.file.startsWith(dest)).toBe(true);
      expect(t.files).toContain('package.json');
      expect(t.files).toContain('README.md');
      if (t.dir.startsWith('packages/')) {
        expect(t.files, t.name).toContain('dist/index.js');
        expect(t.files, t.name).toContain('dist/index.d.ts');
      }
      expect(t.files.filter((f) => /\.test\.|(^|\/)test\//.test(f)), t.name).toEqual([]);
    }
  });
});

describe('an install that leaves out a dependency', () => {
  it('fails offline, so the stacks below prove their install lists complete', () => {
    const refill = tarballs.find((t) => t.name === '@hakmem/pool-refill')!;
    expect(() => userProject('incomplete', [refill.file])).toThrow(/ENOTCACHED[\s\S]*@hakmem%2fpool-tls/);
  });
});

describe.each(STACKS)('a user stack: $name ($what)', (stack) => {
  let dir = '';

  beforeAll(() => {
    const files = tarballs.filter((t) => stack.installs.includes(t.name) || closure(tarballs, stack.installs).includes(t));
    dir = userProject(stack.name, files.map((t) => t.file));
    dirs.push(dir);
    addFiles(dir, { ...stack.js, ...stack.ts });
  });

  it('installs from the tarballs with plain npm, offline, and gets only what the stack needs', () => {
    expect(dir.startsWith(ROOT)).toBe(false);
    const needed = closure(tarballs, stack.installs).map((t) => t.name).sort();
    expect(installedOfOurs(dir)).toEqual(needed);
    if (stack.name !== 'umbrella') {
      expect(needed).not.toContain('@hakmem/ace-learning'); // no learner unless asked for
      expect(needed).toEqual([...stack.installs].sort());
    }
  });

  it('runs from JavaScript, in the main thread and in a Worker', () => {
    const r = runJson<Run>(dir, 'js/run.mjs');
    expectRan(r, stack.name);
    if (stack.name === 'umbrella') expect(r.end.learning).toBe(true);
  });

  it('compiles from strict TypeScript against the shipped types and runs, main thread and Worker', () => {
    compileTs(dir);
    const r = runJson<Run>(dir, 'dist/run.js');
    expectRan(r, stack.name);
    if (stack.name === 'umbrella') {
      expect(r.end.learning).toBe(true);
      // typed arrays from the shipped types: mallocAs, callocAs, reallocArray, view, free(view)
      for (const side of [r.main, r.worker]) expect(side.typed).toEqual({ sum: 12, big: '7' });
      // createHeap/attachHeap gave the flavour their types promised
      expect(r.types).toEqual({ headerless: [false, true, true], sums: [12], bigs: ['7'] });
    }
  });
});
