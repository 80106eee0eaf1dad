/** Runs one measurement of the clang build in a child process of its own (the built ./child.js). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MixedParams } from '../random-mixed/params.js';
import type { WasmChildResult } from './child.js';
import { WASM_NODE_FLAGS } from './layout.js';

/** Always the built child: its Workers start on built JS (from src, vitest: ../../dist/wasm/child.js). */
const CHILD = fileURLToPath(import.meta.url).endsWith('.ts')
  ? fileURLToPath(new URL('../../dist/wasm/child.js', import.meta.url))
  : fileURLToPath(new URL('./child.js', import.meta.url));

export function runWasmHakmem(wasm: string, workers: number, p: MixedParams, o: { verify?: boolean; trace?: boolean } = {}): WasmChildResult {
  const args = [...WASM_NODE_FLAGS, CHILD, '--wasm', wasm, '--workers', String(workers), '--params', JSON.stringify(p), ...(o.verify ? ['--verify'] : []), ...(o.trace ? ['--trace'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`wasm hakmem x${workers} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as WasmChildResult;
}
