/** larson parameters (BENCHMARKS.md): the argument list of larson, and the sets the bench runs. */
export interface LarsonParams {
  /** seconds the main thread sleeps before it sets the stop flag (fractions allowed here) */
  sleep: number;
  min: number;
  max: number;
  /** slots per thread (chunks_per_thread) */
  chunks: number;
  /** a generation does rounds * chunks iterations */
  rounds: number;
  seed: number;
  threads: number;
}

/** One parameter set as published, and how this run differs from it (said in the table). */
export interface LarsonSet {
  /** 'mimalloc-bench' or 'hakmem' */
  id: string;
  /** the published command line, e.g. `5 8 1000 5000 100 4141 <nprocs>` */
  published: string;
  params: LarsonParams;
  /** how params differ from the published set, in words ('' when they do not) */
  deviation: string;
}

/** larson's argument order: sleep_s min_size max_size chunks_per_thread rounds seed threads */
export const larsonArgs = (p: LarsonParams): string[] =>
  [p.sleep, p.min, p.max, p.chunks, p.rounds, p.seed, p.threads].map(String);

export const paramLine = (p: LarsonParams): string => larsonArgs(p).join(' ');

/** Iterations of one generation. */
export const generationIters = (p: LarsonParams): number => p.rounds * p.chunks;

/** Slots in all: threads * chunks. */
export const slotCount = (p: LarsonParams): number => p.threads * p.chunks;

export interface SetOptions {
  /** cores of this machine (mimalloc-bench runs threads = nprocs) */
  cores: number;
  /** --sleep */
  sleep?: number;
  /** --threads: every set runs at this thread count */
  threads?: number;
  quick?: boolean;
}

/** The default sleep here: both published sets shortened to 2 s (mimalloc-bench: 5 s) to keep `pnpm bench` short. */
export const DEFAULT_SLEEP = 2;
export const QUICK_SLEEP = 0.5;

/** The sets `pnpm bench` runs: mimalloc-bench's at threads = cores, hakmem's at 1 and 4 threads. */
export function larsonSets(o: SetOptions): LarsonSet[] {
  const sleep = o.sleep ?? (o.quick ? QUICK_SLEEP : DEFAULT_SLEEP);
  const sets: LarsonSet[] = [];
  const say = (parts: string[]) => parts.filter(Boolean).join('; ');
  const sleepNote = (published: number) => (sleep !== published ? `sleep ${sleep} s instead of ${published}` : '');
  {
    const threads = o.threads ?? o.cores;
    sets.push({
      id: 'mimalloc-bench',
      published: '5 8 1000 5000 100 4141 <nprocs>',
      params: checkLarsonParams({ sleep, min: 8, max: 1000, chunks: 5000, rounds: 100, seed: 4141, threads }),
      deviation: say([
        sleepNote(5),
        o.threads !== undefined ? `threads ${threads} (--threads)` : `threads = nprocs = ${threads} on this machine`,
      ]),
    });
  }
  for (const threads of o.threads !== undefined ? [o.threads] : [1, 4]) {
    sets.push({
      id: 'hakmem',
      published: '2 2048 32768 10000 1 12345 {1,4}',
      params: checkLarsonParams({ sleep, min: 2048, max: 32768, chunks: 10000, rounds: 1, seed: 12345, threads }),
      deviation: say([
        sleepNote(2),
        o.threads !== undefined ? `threads ${threads} (--threads)` : '',
        threads > o.cores ? `${threads} threads on ${o.cores} cores: oversubscribed` : '',
      ]),
    });
  }
  return sets;
}

export function checkLarsonParams(p: LarsonParams): LarsonParams {
  const int = (name: keyof LarsonParams, min: number, max: number) => {
    const v = p[name];
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`larson ${name} must be an integer in [${min}, ${max}], got ${v}`);
  };
  if (typeof p.sleep !== 'number' || !Number.isFinite(p.sleep) || p.sleep < 0 || p.sleep > 3600) {
    throw new RangeError(`larson sleep must be a number of seconds in [0, 3600], got ${p.sleep}`);
  }
  int('min', 1, 1 << 24);
  int('max', 1, 1 << 24);
  int('chunks', 1, 1 << 22);
  int('rounds', 1, 1 << 20);
  int('seed', 0, 2 ** 31 - 1);
  int('threads', 1, 64);
  if (p.min > p.max) throw new RangeError(`larson min ${p.min} is larger than max ${p.max}`);
  if (p.threads * p.chunks > 1 << 24) throw new RangeError('larson threads * chunks must be at most 2^24');
  return p;
}
