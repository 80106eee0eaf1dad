/**
 * Peak memory beside the time, as mimalloc-bench reports it: what an allocator held at its peak
 * against what the benchmark itself held (its live bytes). Each kind of row measures the figure
 * it can see (the `kind`); "memory vs live" is that figure over the peak live bytes.
 *
 * - `reserved`: hakmem: pages in runs (spans and large blocks, the arena's USED_PAGES word) at their
 *   peak; `committed` (COMMITTED_PAGES: the pages its buffer holds) beside it.
 * - `bump`: the bare freelist: its bump pointer's high-water mark (it never gives memory back).
 * - `pool-top`: @thi.ng/malloc and smo's MemoryBuffer: the pool's `top` word at its peak.
 * - `rss`: the process's peak resident set minus the empty program's (native: the C port with
 *   `--empty` under the same LD_PRELOAD); for `new Uint8Array` the child process's peak RSS over its
 *   RSS when the measured instance was created (the GC heap and the arrays' backing stores).
 * - `sbrk`: emscripten's malloc in wasm: the highest program break (sbrk(0)) while the threads ran,
 *   above the break they started from.
 */

export type MemoryKind = 'reserved' | 'bump' | 'pool-top' | 'rss' | 'sbrk';

export interface PeakMemory {
  kind: MemoryKind;
  /** the row's figure at its peak, bytes (the kind says what it is) */
  bytes: number;
  /** peak bytes the benchmark held live (sum of the sizes it asked for) */
  liveBytes: number;
  /** bytes / liveBytes */
  vsLive: number;
  /** hakmem: peak committed and reserved bytes */
  committed?: number;
  reserved?: number;
  /** JS rows: the child process's peak RSS over its RSS before the measured instance (bytes) */
  rssDelta?: number;
}

/** A figure over the live bytes; NaN when either is unknown or live is 0. */
export function memoryVsLive(bytes: number, liveBytes: number): number {
  return liveBytes > 0 && Number.isFinite(bytes) && bytes >= 0 ? bytes / liveBytes : Number.NaN;
}

/** Native: peak RSS of a run less the empty program's, in bytes (ru_maxrss is KiB on Linux); never below 0. */
export function rssOverEmpty(maxrssKiB: number, emptyKiB: number): number {
  return Math.max(0, maxrssKiB - emptyKiB) * 1024;
}

export function peakMemory(kind: MemoryKind, bytes: number, liveBytes: number, extra: Partial<PeakMemory> = {}): PeakMemory {
  return { kind, bytes, liveBytes, vsLive: memoryVsLive(bytes, liveBytes), ...extra };
}

/** The median run's memory (the runs of one row differ little; the median by bytes). */
export function medianMemory(ms: readonly (PeakMemory | undefined)[]): PeakMemory | undefined {
  const have = ms.filter((m): m is PeakMemory => m !== undefined).sort((a, b) => a.bytes - b.bytes);
  return have.length === 0 ? undefined : have[(have.length - 1) >> 1];
}

/** Bytes as MiB with 3 significant digits (0.52, 7.81, 142); '-' when unknown. */
export function formatMiB(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  const m = bytes / 2 ** 20;
  if (m >= 100) return m.toFixed(0);
  if (m >= 10) return m.toFixed(1);
  if (m >= 0.01 || m === 0) return m.toFixed(2);
  return m.toPrecision(2);
}

/** The table's "memory vs live" cell: 1.23x, '-' when unknown. */
export function formatVsLive(m: PeakMemory | undefined): string {
  if (!m || !Number.isFinite(m.vsLive)) return '-';
  return `${m.vsLive.toFixed(2)}x`;
}

/** What each kind means, for the notes under a table (only the kinds present). */
export function memoryLegend(kinds: Iterable<MemoryKind>): string {
  const say: Record<MemoryKind, string> = {
    reserved: "hakmem: peak reserved bytes (pages in spans and large blocks, the arena's USED_PAGES), sampled every millisecond by a Worker of the child process and at the phase boundaries; the peak committed bytes (COMMITTED_PAGES: the buffer) are in the JSON",
    bump: "the bare freelist: its bump pointer's high-water mark (it never gives memory back)",
    'pool-top': "thi.ng / smo: the pool's `top` word at its peak (sampled as hakmem's)",
    sbrk: "emscripten's dlmalloc / emmalloc in wasm: the highest sbrk(0) while the threads ran (sampled every millisecond by the main thread in C) above the break they started from",
    rss: 'native: peak RSS (getrusage ru_maxrss in the C port) minus the empty program\'s (the same binary and LD_PRELOAD with --empty); new Uint8Array: the child\'s peak RSS (VmHWM, reset before the measured instance) minus its RSS at that point. RSS counts only the pages a program touched: where a benchmark writes a byte or two per block (larson), pages inside large blocks stay untouched and RSS can fall below the live bytes',
  };
  const seen = [...new Set(kinds)];
  return `memory: the row's peak bytes against the benchmark's peak live bytes (the sizes it asked for). ${seen.map((k) => say[k]).join('; ')}.`;
}
