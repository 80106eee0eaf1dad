/**
 * `pnpm --filter @hakmem/bench hotpath`: the machine instructions TurboFan produces for hakmem's
 * alloc and free (the cache-hit path), the counting flavour's alloc (`counters: true`) and the
 * bare freelist's pop and push, counted. Runs ./driver.js (and ./driver.js --counting) under
 * `node --print-opt-code --max-inlined-bytecode-size=0`, parses what V8 prints (./disasm.ts) and
 * prints each function's fast path; `--save FILE` keeps V8's output (both runs).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { countPath, fastPath, findFunction, type OptimizedFunction, parseOptCode } from './disasm.js';

const DRIVER = fileURLToPath(new URL('./driver.js', import.meta.url));
export const V8_FLAGS = ['--print-opt-code', '--print-opt-code-filter=*', '--max-inlined-bytecode-size=0'];

/** What to count: a function's name, a text its source holds (and one it does not), and the driver run it is compiled in. */
const TARGETS: { label: string; name: string; mark?: string; without?: string; counting?: boolean }[] = [
  { label: 'hakmem alloc (ThreadCache.alloc, cache hit)', name: 'alloc', mark: 'this.allocTag', without: 'i32[h + 2]++' },
  { label: 'hakmem free (ThreadCache.free, no drain)', name: 'free', mark: 'this.freeTag' },
  { label: 'limit pop (bare freelist alloc)', name: 'limitAlloc' },
  { label: 'limit push (bare freelist free)', name: 'limitFree' },
  { label: 'hakmem alloc, counters on (CountingThreadCache.alloc, cache hit)', name: 'alloc', mark: 'i32[h + 2]++', without: 'i32[h + 3]', counting: true },
];

function main(argv: string[]): void {
  let save: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--save') save = argv[++i];
    else if (argv[i] === '--verbose' || argv[i] === '-v') verbose = true;
    else if (argv[i] === '--') continue;
    else throw new Error(`hotpath: unknown argument ${argv[i]} (--save FILE, --verbose)`);
  }
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [...V8_FLAGS, DRIVER, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 300_000 });
    if (r.status !== 0) throw new Error(`driver exited ${r.status}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const printed = run();
  const printedCounting = run('--counting');
  if (save) writeFileSync(save, `${printed}\n${printedCounting}`);
  const fns = parseOptCode(printed);
  const fnsCounting = parseOptCode(printedCounting);
  const out: string[] = [];
  out.push(`node ${process.version} (V8 ${process.versions.v8}), ${process.arch}: node ${V8_FLAGS.join(' ')} dist/hotpath/driver.js [--counting]`);
  out.push('fast path = the shortest path from entry to a return that makes no call (calls go to deopt exits, the stack guard, refill/slow paths)');
  out.push('');
  const rows: string[][] = [['function', 'fast path', 'prologue', 'body', 'epilogue', 'code size']];
  const bodies: [string, OptimizedFunction, ReturnType<typeof countPath>][] = [];
  for (const t of TARGETS) {
    const fn = findFunction(t.counting ? fnsCounting : fns, t.name, t.mark, t.without);
    if (!fn) {
      rows.push([t.label, 'not optimized', '', '', '', '']);
      continue;
    }
    const c = countPath(fastPath(fn));
    bodies.push([t.label, fn, c]);
    rows.push([t.label, String(c.total), String(c.prologue), String(c.body), String(c.epilogue), String(fn.instructions.length)]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [k, row] of rows.entries()) {
    out.push(row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
    if (k === 0) out.push(w.map((n) => '-'.repeat(n)).join('  '));
  }
  out.push('');
  out.push('prologue: code-object check, frame set-up, stack check; epilogue: frame teardown and return. Both go when');
  out.push('TurboFan inlines the function into its caller (as in the benchmark loops); the body stays. Code size: all');
  out.push('instructions of the function, deopt exits and slow-path calls included.');
  if (verbose) {
    for (const [label, , c] of bodies) {
      out.push('', `${label}: body`);
      for (const x of c.bodyInstructions) out.push(`  ${x.offset.toString(16).padStart(4)}  ${x.text}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`hotpath: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
