/**
 * N processes of the C port of random-mixed at once (native/random_mixed.c), lined up on one start
 * time: each prefaults, then waits for CLOCK_REALTIME to reach the start (--start-at-ms) and times
 * its main loop and drain. The total is N * cycles over the union of their timed regions.
 */
import { spawnSync } from 'node:child_process';
import { nativeArgs, type NativeMixedResult } from '../random-mixed/native.js';
import type { MixedParams } from '../random-mixed/params.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface NativeScalingResult {
  seconds: number;
  opsPerSec: number;
  perProcess: NativeMixedResult[];
}

export function runNativeConcurrent(bin: string, params: MixedParams[], o: { preload?: string; leadMs?: number } = {}): NativeScalingResult {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  if (o.preload) env.LD_PRELOAD = o.preload;
  const start = Date.now() + (o.leadMs ?? 500);
  // one shell starts them all in the background and waits: one JSON line each
  const script = `${params.map((p) => `${q(bin)} ${nativeArgs(p).join(' ')} --start-at-ms ${start} &`).join(' ')} wait`;
  const r = spawnSync('sh', ['-c', script], { env, encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`native random_mixed x${params.length} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  if (lines.length !== params.length) throw new Error(`native random_mixed x${params.length}: ${lines.length} results (${r.stderr.trim()})`);
  const perProcess = lines.map((l) => JSON.parse(l) as NativeMixedResult).sort((a, b) => params.findIndex((p) => p.seed === a.seed) - params.findIndex((p) => p.seed === b.seed));
  const t0 = Math.min(...perProcess.map((x) => x.wallStart ?? Number.NaN));
  const t1 = Math.max(...perProcess.map((x) => x.wallEnd ?? Number.NaN));
  const seconds = t1 - t0;
  const total = params.reduce((s, p) => s + p.cycles, 0);
  return { seconds, opsPerSec: total / seconds, perProcess };
}
