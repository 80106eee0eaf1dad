/** Runs one JavaScript runner in a child process of its own (./child.ts) and parses its result. */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildResult } from './child.js';
import type { MixedParams } from './params.js';

const self = fileURLToPath(import.meta.url);
/** from dist: plain node on the built child; from src (tests): the TypeScript child through tsx */
const fromSource = self.endsWith('.ts');
const CHILD = fileURLToPath(new URL(fromSource ? './child.ts' : './child.js', import.meta.url));

export interface JsChildOptions {
  verify?: boolean;
  countCalls?: boolean;
  warmup?: boolean;
  /** the memory sampler Worker during the timed region (default true) */
  sampler?: boolean;
  /** another tree's built child.js (bench --ab); default this tree's */
  child?: string;
  /** pin the child's timed thread to this CPU (../report/pin.ts) */
  cpu?: number;
}

export function runJsChild(name: string, p: MixedParams, o: JsChildOptions = {}): ChildResult {
  const args = [
    ...(fromSource && !o.child ? ['--import', 'tsx'] : []),
    '--expose-gc',
    o.child ?? CHILD,
    '--runner', name,
    '--params', JSON.stringify(p),
    ...(o.verify ? ['--verify'] : []),
    ...(o.countCalls ? ['--count-calls'] : []),
    ...(o.warmup === false ? ['--no-warmup'] : []),
    ...(o.sampler === false ? ['--no-sampler'] : []),
    ...(o.cpu !== undefined ? ['--cpu', String(o.cpu)] : []),
  ];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 16 << 20,
    cwd: o.child ? dirname(dirname(dirname(o.child))) : fileURLToPath(new URL('../../', import.meta.url)),
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`runner ${name} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}
