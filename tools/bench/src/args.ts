/** Command-line flags of `pnpm bench`. */
import { MIXED_DEFAULTS, type MixedParams, checkParams } from './random-mixed/params.js';

export interface BenchArgs {
  bench: 'random-mixed';
  params: MixedParams;
  repeat: number;
  only?: string[];
  json?: string;
  quick: boolean;
  slowDivisor: number;
  help: boolean;
}

export const USAGE = `usage: pnpm bench [-- flags]   (or: node tools/bench/dist/cli.js flags)

  --bench random-mixed   the benchmark (random-mixed is the only one so far; larson comes later)
  --cycles N             main-loop iterations (default ${MIXED_DEFAULTS.cycles})
  --ws N                 working-set slots (default ${MIXED_DEFAULTS.ws})
  --seed N               xorshift32 seed (default ${MIXED_DEFAULTS.seed})
  --min N / --max N      size clamp (default ${MIXED_DEFAULTS.min} / ${MIXED_DEFAULTS.max})
  --repeat N             runs per allocator, interleaved round-robin; the table shows the median (default 3)
  --only a,b,...         run only these: limit, hakmem, hakmem-headerless, thi.ng, smo, uint8array,
                         glibc, mimalloc, jemalloc
  --json FILE            also write every result machine-readably to FILE
  --quick                smoke test: cycles / 10, and --repeat 1 unless given
  --slow-divisor N       the O(n)-free allocators (thi.ng, smo) run cycles / N (default 100)
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
  let quick = false;
  let help = false;
  let slowDivisor = 100;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--') continue; // `pnpm bench -- --quick` passes the separator through
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => (raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--bench': {
        const b = value();
        if (b !== 'random-mixed') throw new Error(`--bench: unknown benchmark ${b} (known: random-mixed)`);
        break;
      }
      case '--cycles': p.cycles = int(flag, value()); break;
      case '--ws': p.ws = int(flag, value()); break;
      case '--seed': p.seed = int(flag, value()); break;
      case '--min': p.min = int(flag, value()); break;
      case '--max': p.max = int(flag, value()); break;
      case '--repeat': repeat = Math.max(1, int(flag, value())); break;
      case '--slow-divisor': slowDivisor = Math.max(1, int(flag, value())); break;
      case '--only': only = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--json': json = value(); if (!json) throw new Error('--json needs a file name'); break;
      case '--quick': quick = true; break;
      case '--help': case '-h': help = true; break;
      default: throw new Error(`unknown flag ${raw}\n\n${USAGE}`);
    }
  }
  if (quick) p.cycles = Math.floor(p.cycles / 10);
  return { bench: 'random-mixed', params: checkParams(p), repeat: repeat ?? (quick ? 1 : 3), only, json, quick, slowDivisor, help };
}
