/** random-mixed parameters (BENCHMARKS.md): defaults are the seed's. */
export interface MixedParams {
  cycles: number;
  /** working-set slots */
  ws: number;
  seed: number;
  min: number;
  max: number;
}

export const MIXED_DEFAULTS: Readonly<MixedParams> = {
  cycles: 10_000_000,
  ws: 8192,
  seed: 1234567,
  min: 16,
  max: 1039,
};

/** The prefault's seed: seed + 0xDEADBEEF with uint32 wrap. */
export const prefaultSeed = (seed: number): number => (seed + 0xdeadbeef) >>> 0;

/** The prefault runs cycles / 10 iterations (integer division, as in C). */
export const prefaultCycles = (cycles: number): number => Math.floor(cycles / 10);

export function checkParams(p: MixedParams): MixedParams {
  const u32 = (name: keyof MixedParams, min: number, max = 0xffffffff) => {
    const v = p[name];
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`--${name} must be an integer in [${min}, ${max}], got ${v}`);
  };
  u32('cycles', 0, Number.MAX_SAFE_INTEGER);
  u32('ws', 1, 1 << 24);
  u32('seed', 0);
  u32('min', 1, 1 << 20);
  u32('max', 1, 1 << 20);
  if (p.min > p.max) throw new RangeError(`--min ${p.min} is larger than --max ${p.max}`);
  return p;
}

/** Counts of one phase: every iteration is exactly one free, one alloc or one failed alloc. */
export interface PhaseCounts {
  allocs: number;
  frees: number;
  failed: number;
  /** hash over (idx, first byte) of every live slot after the phase; 0 when not computed */
  fingerprint: number;
}

/** What a run did, op for op, whatever the allocator: compared with the reference pattern. */
export interface MixedCounts {
  prefault: PhaseCounts;
  main: PhaseCounts;
  drain: { frees: number };
}

/** allocs and frees of a phase from iterations, failed allocs and live slots before and after. */
export function phaseCounts(iterations: number, failed: number, liveBefore: number, liveAfter: number, fingerprint = 0): PhaseCounts {
  const allocs = (iterations - failed + liveAfter - liveBefore) / 2;
  return { allocs, frees: iterations - failed - allocs, failed, fingerprint };
}

/** The FNV-style word mix shared by the reference pattern, the runners' fingerprints and the C port. */
export const mix = (h: number, w: number): number => Math.imul(h ^ w, 16777619) >>> 0;
export const FNV_BASIS = 2166136261;
