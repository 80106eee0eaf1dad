/**
 * gcc for the native halves of the bench tests: found on PATH (or $CC), else installed as root with
 * apt-get (Debian's gcc and libc6-dev, without recommends; the package lists refreshed only if the
 * install fails without them) unless HAKMEM_NO_INSTALL=1. Where there is none, the tests that need
 * it are skipped with the reason in the report (needsGcc), never silently.
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'vitest';
import { compileNative, findGcc, type Gcc } from '../src/native/toolchain.js';

function apt(args: string[]): boolean {
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=120', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return r.status === 0;
}

function gccOrInstall(): { gcc: Gcc | undefined; notice: string } {
  const found = findGcc();
  if (found) return { gcc: found, notice: `${found.version} found` };
  const cc = process.env.CC;
  const root = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (cc || !root || !hasApt || process.env.HAKMEM_NO_INSTALL === '1') {
    const why = cc ? `$CC (${cc}) does not run` : 'gcc not found';
    return { gcc: undefined, notice: `${why}: native test skipped (apt-get install gcc)` };
  }
  const t = performance.now();
  console.log('tools/bench: installing gcc with apt-get (once per machine)...');
  const pkgs = ['install', '-y', '-q', '--no-install-recommends', 'gcc', 'libc6-dev'];
  const ok = apt(pkgs) || (apt(['update', '-q']) && apt(pkgs));
  const s = ((performance.now() - t) / 1000).toFixed(1);
  const gcc = ok ? findGcc() : undefined;
  if (!gcc) return { gcc: undefined, notice: `apt-get install gcc failed (${s} s): native test skipped` };
  console.log(`tools/bench: ${gcc.version} installed in ${s} s`);
  return { gcc, notice: `installed in ${s} s` };
}

const toolchain = gccOrInstall();
export const gcc = toolchain.gcc;

/** Skip the running test, the reason shown in the report, where there is no gcc. */
export function needsGcc(ctx: TestContext): void {
  if (!gcc) ctx.skip(toolchain.notice);
}

let bin: string | undefined;
/** The C port, compiled once per test file (undefined without gcc). */
export function nativeBinary(): string | undefined {
  if (!gcc) return undefined;
  bin ??= compileNative(gcc, 'random_mixed');
  return bin;
}

export function noticeNoGcc(what: string): void {
  if (!gcc) console.warn(`NOTICE: ${toolchain.notice}: ${what}`);
}
