/** Command-line flags of `pnpm bench`. */
import { MIXED_DEFAULTS, type MixedParams, checkParams } from './random-mixed/params.js';

export const BENCHES = ['random-mixed', 'larson', 'scaling', 'learning', 'wasm'] as const;

/** The wasm benchmark's cycles per thread unless --cycles is given (its rows then take a few seconds each). */
export const WASM_DEFAULT_CYCLES = 2_000_000;
export type BenchName = (typeof BENCHES)[number];

export interface BenchArgs {
  /** the benchmarks to run, in this order */
  benches: BenchName[];
  /** random-mixed's parameters (scaling runs them in every worker) */
  params: MixedParams;
  /** the wasm benchmark's: the same, with WASM_DEFAULT_CYCLES unless --cycles is given */
  wasmParams: MixedParams;
  repeat: number;
  only?: string[];
  json?: string;
  /** where latest.json and the charts go (default tools/bench/results) */
  out?: string;
  /** instead of the benchmarks: draw the charts again from a results JSON (into its directory) */
  replot?: string;
  quick: boolean;
  slowDivisor: number;
  /** random-mixed: extra paired runs for the metrics-overhead figure */
  overheadPairs: number;
  /** random-mixed: paired runs of hakmem with / without the memory sampler (0: none) */
  samplerPairs: number;
  /** larson: --sleep, --threads overrides */
  sleep?: number;
  threads?: number;
  /** larson: only this parameter set (--set) and only JS rows of this variant (--variant) */
  larsonSet?: string;
  variant?: 'handoff' | 'respawn';
  /** --ab: random-mixed paired against another checkout's build, instead of the benchmarks */
  ab?: { dir: string; pairs: number; runner: string };
  /** --learner-cost: learning on / off paired per row, instead of the benchmarks */
  learnerCost?: { rows: string[]; pairs: number; larsonAllocs?: number };
  help: boolean;
}

export const USAGE = `usage: pnpm bench [-- flags]   (or: node tools/bench/dist/cli.js flags)

  --bench NAME           random-mixed, larson, scaling, learning, wasm or all (default all; a comma list works too)
  --repeat N             runs per row, interleaved round-robin; the table shows the median (default 3)
  --only a,b,...         run only these rows, in every benchmark that has them:
                           random-mixed: limit, hakmem, hakmem-fixed, hakmem-counters, hakmem-low-water,
                                         hakmem-align8, hakmem-headerless,
                                         thi.ng, smo, uint8array,
                                         glibc, mimalloc, jemalloc
                           larson:       hakmem, smo, glibc, mimalloc, jemalloc (JS rows: both variants)
                           scaling:      limit, hakmem, glibc, mimalloc
                           wasm:         hakmem, wasm-hakmem, wasm-dlmalloc, wasm-emmalloc, glibc, mimalloc
  --overhead-pairs N     random-mixed: paired runs of hakmem with and without counters, besides the
                         rounds, for the metrics-overhead figure (default 20; --quick: 0)
  --sampler-pairs N      random-mixed: paired runs of hakmem with and without the memory sampler Worker,
                         for its cost (default 0)
  --json FILE            also write every result machine-readably to FILE
  --replot FILE          instead of the benchmarks: draw the charts again from a results JSON, beside it
  --out DIR              where latest.json (every figure) and one SVG chart per benchmark go
                         (default tools/bench/results; relative to where pnpm was started)
  --ab DIR               instead of the benchmarks: random-mixed, this tree against the checkout at DIR
                         (built: pnpm build there), as paired runs; prints this / other, the median
  --ab-pairs N           --ab: paired runs (default 20)
  --ab-runner NAME       --ab: the random-mixed row to compare (default hakmem)
  --learner-cost [ROWS]  instead of the benchmarks: learning on (the default) / learning: false as paired
                         runs, per row: fresh (createHeap() + random-mixed in a fresh process, no warm-up),
                         random-mixed, larson (hakmem handoff, every set), scaling (2 workers); default all
                         four; learner CPU, its start, process CPU and refills on / off beside the ratio
  --learner-pairs N      --learner-cost: paired runs per row (default 9)
  --learner-allocs N     --learner-cost: larson rows do a fixed N allocations (whole generations, the
                         ranges sharing them) instead of running for --sleep: the same work on and off
  --quick                smoke test: cycles / 10, larson sleep 0.5 s, and --repeat 1 unless given

 random-mixed (and scaling and wasm, in every worker):
  --cycles N             main-loop iterations (default ${MIXED_DEFAULTS.cycles}; wasm: ${WASM_DEFAULT_CYCLES})
  --ws N                 working-set slots (default ${MIXED_DEFAULTS.ws})
  --seed N               xorshift32 seed (default ${MIXED_DEFAULTS.seed})
  --min N / --max N      size clamp (default ${MIXED_DEFAULTS.min} / ${MIXED_DEFAULTS.max})
  --slow-divisor N       the O(n)-free allocators (thi.ng, smo) run cycles / N (default 100)

 larson:
  --sleep S              seconds before the stop flag, fractions allowed (default 2; mimalloc-bench uses 5)
  --threads N            every parameter set at N threads (default: mimalloc-bench's at nprocs,
                         hakmem's at 1 and 4)
  --set NAME             only this parameter set: mimalloc-bench or hakmem (default both)
  --variant V            only the JavaScript rows of this variant: handoff or respawn (default both)
  --help
`;

function int(flag: string, v: string | undefined): number {
  const n = Number((v ?? '').replace(/[_,]/g, ''));
  if (v === undefined || !Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${v ?? 'nothing'}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const p: MixedParams = { ...MIXED_DEFAULTS };
  let repeat: number | undefined;
  let only: string[] | undefined;
  let json: string | undefined;
  let out: string | undefined;
  let replot: string | undefined;
  let quick = false;
  let cyclesGiven = false;
  let help = false;
  let slowDivisor = 100;
  let overheadPairs: number | undefined;
  let samplerPairs = 0;
  let benches: BenchName[] = [...BENCHES];
  let sleep: number | undefined;
  let threads: number | undefined;
  let larsonSet: string | undefined;
  let variant: 'handoff' | 'respawn' | undefined;
  let abDir: string | undefined;
  let abPairs = 20;
  let abRunner = 'hakmem';
  let costRows: string[] | undefined;
  let costPairs = 9;
  let costAllocs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--') continue; // `pnpm bench -- --quick` passes the separator through
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => (raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--bench': {
        const names = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (names.length === 0) throw new Error(`--bench needs a name (${BENCHES.join(', ')} or all)`);
        if (names.includes('all')) benches = [...BENCHES];
        else {
          for (const b of names) if (!(BENCHES as readonly string[]).includes(b)) throw new Error(`--bench: unknown benchmark ${b} (known: ${BENCHES.join(', ')}, all)`);
          benches = BENCHES.filter((b) => names.includes(b));
        }
        break;
      }
      case '--cycles': p.cycles = int(flag, value()); cyclesGiven = true; break;
      case '--ws': p.ws = int(flag, value()); break;
      case '--seed': p.seed = int(flag, value()); break;
      case '--min': p.min = int(flag, value()); break;
      case '--max': p.max = int(flag, value()); break;
      case '--repeat': repeat = Math.max(1, int(flag, value())); break;
      case '--slow-divisor': slowDivisor = Math.max(1, int(flag, value())); break;
      case '--overhead-pairs': overheadPairs = int(flag, value()); break;
      case '--sampler-pairs': samplerPairs = int(flag, value()); break;
      case '--only': only = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--json': json = value(); if (!json) throw new Error('--json needs a file name'); break;
      case '--out': out = value(); if (!out) throw new Error('--out needs a directory'); break;
      case '--replot': replot = value(); if (!replot) throw new Error('--replot needs a results JSON'); break;
      case '--sleep': {
        const v = value();
        const s = Number(v);
        if (v === undefined || v === '' || !Number.isFinite(s) || s < 0 || s > 3600) throw new Error(`--sleep needs a number of seconds in [0, 3600], got ${v ?? 'nothing'}`);
        sleep = s;
        break;
      }
      case '--threads': threads = int(flag, value()); if (threads < 1 || threads > 64) throw new Error(`--threads must be in [1, 64], got ${threads}`); break;
      case '--set': {
        const v = value();
        if (v !== 'mimalloc-bench' && v !== 'hakmem') throw new Error(`--set must be mimalloc-bench or hakmem, got ${v ?? 'nothing'}`);
        larsonSet = v;
        break;
      }
      case '--variant': {
        const v = value();
        if (v !== 'handoff' && v !== 'respawn') throw new Error(`--variant must be handoff or respawn, got ${v ?? 'nothing'}`);
        variant = v;
        break;
      }
      case '--ab': abDir = value(); if (!abDir) throw new Error('--ab needs the directory of another checkout'); break;
      case '--ab-pairs': abPairs = int(flag, value()); if (abPairs < 1) throw new Error('--ab-pairs must be at least 1'); break;
      case '--ab-runner': abRunner = value() ?? ''; if (!abRunner) throw new Error('--ab-runner needs a random-mixed row name'); break;
      case '--learner-cost': {
        const v = argv[i + 1];
        costRows = v !== undefined && !v.startsWith('--') ? (i++, v.split(',').map((x) => x.trim()).filter(Boolean)) : ['fresh', 'random-mixed', 'larson', 'scaling'];
        break;
      }
      case '--learner-pairs': costPairs = int(flag, value()); if (costPairs < 1) throw new Error('--learner-pairs must be at least 1'); break;
      case '--learner-allocs': costAllocs = int(flag, value()); if (costAllocs < 1) throw new Error('--learner-allocs must be at least 1'); break;
      case '--quick': quick = true; break;
      case '--help': case '-h': help = true; break;
      default: throw new Error(`unknown flag ${raw}\n\n${USAGE}`);
    }
  }
  const wp: MixedParams = { ...p, cycles: cyclesGiven ? p.cycles : WASM_DEFAULT_CYCLES };
  if (quick) p.cycles = Math.floor(p.cycles / 10);
  if (quick) wp.cycles = Math.floor(wp.cycles / 10);
  return {
    benches, params: checkParams(p), wasmParams: checkParams(wp), repeat: repeat ?? (quick ? 1 : 3), only, json, ...(out !== undefined ? { out } : {}), ...(replot !== undefined ? { replot } : {}), quick, slowDivisor,
    overheadPairs: overheadPairs ?? (quick ? 0 : 20), samplerPairs,
    ...(sleep !== undefined ? { sleep } : {}), ...(threads !== undefined ? { threads } : {}),
    ...(larsonSet !== undefined ? { larsonSet } : {}), ...(variant !== undefined ? { variant } : {}),
    ...(abDir !== undefined ? { ab: { dir: abDir, pairs: abPairs, runner: abRunner } } : {}),
    ...(costRows !== undefined ? { learnerCost: { rows: costRows, pairs: costPairs, ...(costAllocs !== undefined ? { larsonAllocs: costAllocs } : {}) } } : {}), help,
  };
}
