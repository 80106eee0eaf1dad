/** `pnpm bench`: runs the benchmarks and prints their tables (see ../README.md). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BenchName, parseArgs, USAGE } from './args.js';
import { LARSON_NAMES } from './larson/allocators.js';
import { runLarsonBench } from './larson/bench.js';
import { larsonSets } from './larson/params.js';
import { renderLarsonReport } from './larson/print.js';
import { MIXED_ALLOCATORS } from './random-mixed/allocators.js';
import { runMixedBench } from './random-mixed/bench.js';
import { renderMixedReport } from './random-mixed/print.js';
import { renderAb, runAb } from './random-mixed/ab.js';
import { machine } from './report/machine.js';
import { type AnyReport, buildResults, replot, writeResults } from './report/results.js';
import { PACKAGE_DIR } from './native/toolchain.js';
import { runLearningBench } from './learning/bench.js';
import { renderLearnerCost, runLearnerCost } from './learning/cost.js';
import { DEFAULT_SLEEP } from './larson/params.js';
import { renderLearningReport } from './learning/print.js';
import { runScalingBench, SCALING_NAMES } from './scaling/bench.js';
import { renderScalingReport } from './scaling/print.js';
import { runWasmBench, WASM_NAMES } from './wasm/bench.js';
import { renderWasmReport } from './wasm/print.js';

const NAMES: Record<BenchName, readonly string[]> = {
  'random-mixed': MIXED_ALLOCATORS.map((a) => a.name),
  larson: LARSON_NAMES,
  scaling: SCALING_NAMES,
  learning: ['hakmem'],
  wasm: WASM_NAMES,
};

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  // --only: every name must belong to one of the selected benchmarks; each runs the names it has
  if (args.only) {
    const known = new Set(args.benches.flatMap((b) => NAMES[b]));
    const unknown = args.only.filter((n) => !known.has(n));
    if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')} (known in ${args.benches.join(', ')}: ${[...known].join(', ')})`);
  }
  if (args.replot) {
    const files = replot(resolve(process.env.INIT_CWD ?? process.cwd(), args.replot));
    process.stdout.write(`charts: ${files.join(', ')}\n`);
    return;
  }
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  if (args.learnerCost) {
    const { rows, pairs, larsonAllocs } = args.learnerCost;
    const r = runLearnerCost({
      rows, pairs, params: args.params, sleep: args.sleep ?? DEFAULT_SLEEP, larsonAllocs, larsonSet: args.larsonSet, threads: args.threads, progress,
    });
    process.stdout.write(`\n${renderLearnerCost(r, pairs)}\n`);
    if (args.json) writeJson(args.json, { machine: machine(), learnerCost: r });
    return;
  }
  if (args.ab) {
    const entry = MIXED_ALLOCATORS.find((a) => a.name === args.ab!.runner);
    if (!entry || entry.kind !== 'js') throw new Error(`--ab-runner: ${args.ab.runner} is not a JavaScript random-mixed row`);
    // a relative DIR is taken from where pnpm was started, as --json's file
    const dir = resolve(process.env.INIT_CWD ?? process.cwd(), args.ab.dir);
    const r = runAb({ ...args.ab, dir, params: args.params, progress });
    process.stdout.write(`\n${renderAb(r)}\n`);
    if (args.json) writeJson(args.json, { machine: machine(), ab: r });
    return;
  }
  const reports: AnyReport[] = [];
  const m = machine();
  for (const b of args.benches) {
    const only = args.only?.filter((n) => NAMES[b].includes(n));
    if (args.only && only?.length === 0) {
      process.stdout.write(`\n${b}: skipped (none of --only ${args.only.join(',')} is one of its rows)\n`);
      continue;
    }
    const t0 = Date.now();
    let text: string;
    if (b === 'random-mixed') {
      const r = runMixedBench({ params: args.params, repeat: args.repeat, only, slowDivisor: args.slowDivisor, overheadPairs: args.overheadPairs, samplerPairs: args.samplerPairs, progress });
      reports.push(r);
      text = renderMixedReport(r, machine());
    } else if (b === 'larson') {
      const sets = larsonSets({ cores: availableParallelism(), sleep: args.sleep, threads: args.threads, quick: args.quick })
        .filter((set) => !args.larsonSet || set.id === args.larsonSet);
      const r = runLarsonBench({ sets, repeat: args.repeat, only, variant: args.variant, progress });
      reports.push(r);
      text = renderLarsonReport(r, machine());
    } else if (b === 'scaling') {
      const r = runScalingBench({ params: args.params, counts: [1, 2], repeat: args.repeat, only, progress });
      reports.push(r);
      text = renderScalingReport(r, machine());
    } else if (b === 'wasm') {
      const r = runWasmBench({ params: args.wasmParams, counts: [1, 2], repeat: args.repeat, only, progress });
      reports.push(r);
      text = renderWasmReport(r, machine());
    } else {
      const r = runLearningBench({ repeat: args.repeat, quick: args.quick, progress });
      reports.push(r);
      text = renderLearningReport(r);
    }
    process.stdout.write(`\n${text}\n(${b}: ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  // every figure machine-readably, and a chart per benchmark
  const res = buildResults(`pnpm bench${process.argv.length > 2 ? ` ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}` : ''}`, m, args.quick, reports);
  const dir = args.out ? resolve(process.env.INIT_CWD ?? process.cwd(), args.out) : join(PACKAGE_DIR, 'results');
  if (reports.length > 0) {
    const files = writeResults(dir, res);
    process.stdout.write(`\nresults: ${files.join(', ')}\n`);
  }
  if (args.json) writeJson(args.json, res);
}

function writeJson(name: string, data: unknown): void {
  // pnpm runs the script in tools/bench: a relative path is taken from where pnpm was started
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(`\nJSON: ${file}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
