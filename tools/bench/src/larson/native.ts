/** Runs the C port of larson (native/larson.c) and parses its one JSON line. */
import { spawnSync } from 'node:child_process';
import { larsonArgs, type LarsonParams } from './params.js';

export interface NativeLarsonResult {
  impl: 'glibc' | 'mimalloc' | 'jemalloc';
  mode: 'bench' | 'fixed';
  seconds: number;
  /** CPU seconds of the whole process over the timed region */
  cpuSeconds: number;
  allocs: number;
  opsPerSec: number;
  /** threads started that did work (larson's cThreads) */
  generations: number;
  failed: number;
  checksum: number;
  iters: number[];
  /** the process's peak RSS (VmHWM), KiB */
  maxrssKiB?: number;
  verify?: {
    frees: number;
    olderFrees: number;
    crossFrees: number;
    badBytes: number;
    warmupFrees: number;
    warmupCrossFrees: number;
    finalFrees: number;
  };
}

export function runNativeLarson(
  bin: string,
  p: LarsonParams,
  o: { preload?: string; generations?: number; verify?: boolean } = {},
): NativeLarsonResult {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  if (o.preload) env.LD_PRELOAD = o.preload;
  const args = [...(o.generations ? ['--generations', String(o.generations)] : []), ...(o.verify ? ['--verify'] : []), ...larsonArgs(p)];
  const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: 300_000 + p.sleep * 1000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as NativeLarsonResult;
}

/** The first n outputs of the C port's lran2 for a seed. */
export function nativeLran2(bin: string, seed: number, n: number): number[] {
  const r = spawnSync(bin, ['--lran2', String(seed), String(n)], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${bin} --lran2 exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as number[];
}
