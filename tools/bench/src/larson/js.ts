/** Runs one JavaScript larson measurement in a child process of its own (./child.ts, built). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LarsonChildResult, Variant } from './child.js';
import type { LarsonParams } from './params.js';

/**
 * Always the built child (dist/larson/child.js), also from the tests: its workers must start on
 * built JS. From src (vitest) this resolves to ../../dist/larson/child.js.
 */
const self = fileURLToPath(import.meta.url);
const CHILD = self.endsWith('.ts')
  ? fileURLToPath(new URL('../../dist/larson/child.js', import.meta.url))
  : fileURLToPath(new URL('./child.js', import.meta.url));

export interface LarsonJsOptions {
  /** fixed mode: generations per range instead of the sleep and the stop flag */
  generations?: number;
  verify?: boolean;
  /** handoff: pin worker i's thread to CPU (cpuBase + i) mod n (../report/pin.ts) */
  cpuBase?: number;
}

export function runLarsonJs(runner: string, variant: Variant, p: LarsonParams, o: LarsonJsOptions = {}): LarsonChildResult {
  const args = [
    '--expose-gc',
    CHILD,
    '--runner', runner,
    '--variant', variant,
    '--params', JSON.stringify(p),
    ...(o.generations ? ['--generations', String(o.generations)] : []),
    ...(o.verify ? ['--verify'] : []),
    ...(o.cpuBase !== undefined ? ['--cpu-base', String(o.cpuBase)] : []),
  ];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 300_000 + p.sleep * 1000,
    maxBuffer: 16 << 20,
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`larson ${runner} ${variant} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as LarsonChildResult;
}
