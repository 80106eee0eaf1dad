/** Runs the C port of random-mixed (native/random_mixed.c) and parses its one JSON line. */
import { spawnSync } from 'node:child_process';
import type { MixedCounts, MixedParams } from './params.js';
import { pinnedCommand } from '../report/pin.js';

export interface NativeMixedResult extends MixedCounts {
  mode: 'bench' | 'verify' | 'pattern';
  /** which malloc answered, as the binary sees it (dlsym of mi_version / mallctl) */
  impl?: 'glibc' | 'mimalloc' | 'jemalloc';
  cycles: number;
  ws: number;
  seed: number;
  min: number;
  max: number;
  seconds?: number;
  opsPerSec?: number;
  /** pattern mode: the checksum over every op */
  checksum?: number;
  /** bench / verify: the timed region in CLOCK_REALTIME seconds (the scaling bench lines processes up with --start-at-ms) */
  wallStart?: number;
  wallEnd?: number;
  /** bench / verify: the process's peak RSS (getrusage ru_maxrss), KiB */
  maxrssKiB?: number;
}

export function nativeArgs(p: MixedParams): string[] {
  return ['--cycles', String(p.cycles), '--ws', String(p.ws), '--seed', String(p.seed), '--min', String(p.min), '--max', String(p.max)];
}

/**
 * One run of the binary; `preload` is a shared object for LD_PRELOAD (none: the system malloc);
 * `cpu`: run it under `taskset -c cpu` (one thread: pinned whole, ../report/pin.ts).
 */
export function runNativeMixed(bin: string, p: MixedParams, o: { mode?: 'bench' | 'verify' | 'pattern'; preload?: string; cpu?: number } = {}): NativeMixedResult {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  if (o.preload) env.LD_PRELOAD = o.preload;
  const args = [...nativeArgs(p), ...(o.mode === 'pattern' ? ['--pattern'] : o.mode === 'verify' ? ['--verify'] : [])];
  const [cmd, argv] = pinnedCommand(bin, args, o.cpu);
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as NativeMixedResult;
}

/** The empty program's peak RSS, KiB: the same binary and preload with --empty (does no benchmark). */
export function nativeEmptyKiB(bin: string, preload?: string): number {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  if (preload) env.LD_PRELOAD = preload;
  const r = spawnSync(bin, ['--empty'], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${bin} --empty exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { maxrssKiB: number }).maxrssKiB;
}
