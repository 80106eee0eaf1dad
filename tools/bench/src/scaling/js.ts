/** Runs one scaling measurement in a child process of its own (the built ./child.js). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MixedParams } from '../random-mixed/params.js';
import type { ScalingChildResult } from './child.js';

/** Always the built child: its workers start on built JS (from src, vitest: ../../dist/scaling/child.js). */
const CHILD = fileURLToPath(import.meta.url).endsWith('.ts')
  ? fileURLToPath(new URL('../../dist/scaling/child.js', import.meta.url))
  : fileURLToPath(new URL('./child.js', import.meta.url));

/** `cpuBase`: worker i pins its thread to CPU (cpuBase + i) mod n (../report/pin.ts). */
export function runScalingJs(runner: 'hakmem' | 'limit', workers: number, p: MixedParams, o: { verify?: boolean; learning?: boolean; cpuBase?: number } = {}): ScalingChildResult {
  const args = [
    '--expose-gc', CHILD, '--runner', runner, '--workers', String(workers), '--params', JSON.stringify(p),
    ...(o.verify ? ['--verify'] : []), ...(o.learning === false ? ['--no-learning'] : []), ...(o.cpuBase !== undefined ? ['--cpu-base', String(o.cpuBase)] : []),
  ];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 16 << 20,
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`scaling ${runner} x${workers} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ScalingChildResult;
}
