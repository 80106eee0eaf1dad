/**
 * The committed wasm builds (wasm/out/) are the builds of wasm/random_mixed.c with the flags in
 * src/wasm/build.ts: where clang-14 / emcc are present (installed here if root, unless
 * HAKMEM_NO_INSTALL=1), a build into a temporary directory reproduces every file byte for byte,
 * BUILD.json (compiler versions and commands) included. Skipped with a visible notice elsewhere.
 * The three builds run at once, each in a process of its own (emcc takes seconds).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFiles, type Compiler, findClang, findEmcc, readBuildRecords, WASM_BUILDS, WASM_OUT, type WasmBuildName } from '../src/wasm/build.js';

const BUILD = fileURLToPath(new URL('../dist/wasm/build.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'hakmem-wasm-bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const compilers = new Map<WasmBuildName, Compiler>();
const built = new Map<WasmBuildName, Promise<unknown>>();
beforeAll(() => {
  // an install (root, no compiler yet) takes a while: the hook's timeout, not the tests'
  const clang = findClang((s) => console.log(s));
  const emcc = findEmcc((s) => console.log(s));
  for (const n of WASM_BUILDS) {
    const cc = n === 'hakmem' ? clang : emcc;
    compilers.set(n, cc);
    if (cc.cmd) built.set(n, promisify(execFile)(process.execPath, [BUILD, '--out', join(tmp, n), '--only', n]));
  }
}, 600_000);

describe.each(WASM_BUILDS)('%s', (name) => {
  it('the build reproduces the committed files', async (ctx) => {
    const cc = compilers.get(name)!;
    if (!cc.cmd) {
      console.warn(`NOTICE: wasm build check of ${name} SKIPPED: ${cc.notice}`);
      ctx.skip(cc.notice);
      return;
    }
    await built.get(name);
    expect(readBuildRecords(join(tmp, name))[name]).toEqual(readBuildRecords()[name]);
    for (const f of buildFiles(name)) {
      expect(Buffer.compare(readFileSync(join(tmp, name, f)), readFileSync(join(WASM_OUT, f))), `wasm/out/${f} is the build of wasm/random_mixed.c`).toBe(0);
    }
  }, 120_000);
});
