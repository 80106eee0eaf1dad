/**
 * Native side of the benchmarks: find gcc, compile a C port into native/build/ (gitignored), find
 * Debian's mimalloc / jemalloc shared objects for LD_PRELOAD.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/bench/ (this file is src/native/*.ts or dist/native/*.js: two levels down either way) */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const NATIVE_DIR = join(PACKAGE_DIR, 'native');
export const NATIVE_BUILD_DIR = join(NATIVE_DIR, 'build');

export interface Gcc {
  path: string;
  version: string;
}

/** gcc on PATH (or $CC when it is gcc-like), or undefined. */
export function findGcc(): Gcc | undefined {
  const cc = process.env.CC || 'gcc';
  const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return { path: cc, version: r.stdout.split('\n')[0]?.trim() ?? cc };
}

/**
 * Compile native/<name>.c with `gcc -O2` (and extraFlags, e.g. -pthread) into native/build/<name>;
 * returns the binary's path.
 * Written to a temporary file and renamed, so a concurrent run never sees half a binary.
 */
export function compileNative(gcc: Gcc, name: string, extraFlags: readonly string[] = []): string {
  mkdirSync(NATIVE_BUILD_DIR, { recursive: true });
  const out = join(NATIVE_BUILD_DIR, name);
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(gcc.path, ['-O2', '-std=c11', '-Wall', ...extraFlags, '-o', tmp, join(NATIVE_DIR, `${name}.c`), '-ldl'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`gcc failed on native/${name}.c: ${err.stderr?.toString() || err.message}`);
  }
  return out;
}

/** Where Debian puts shared objects; BENCH_LIB_DIRS (colon-separated) replaces the list (tests). */
const LIB_DIRS = () => {
  if (process.env.BENCH_LIB_DIRS !== undefined) return process.env.BENCH_LIB_DIRS.split(':').filter(Boolean);
  const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[arch() as 'x64' | 'arm64'];
  return [...(multiarch ? [`/usr/lib/${multiarch}`] : []), '/usr/lib', '/usr/local/lib', '/usr/lib64'];
};

/** Path of lib<name>.so.N (or lib<name>.so) in the usual library directories, or undefined. */
export function findPreloadLib(name: string): string | undefined {
  const re = new RegExp(`^lib${name}\\.so(\\.\\d+)*$`);
  for (const dir of LIB_DIRS()) {
    if (!existsSync(dir)) continue;
    // prefer the versioned soname (libmimalloc.so.2) that the runtime package installs
    const hits = readdirSync(dir).filter((f) => re.test(f)).sort((a, b) => a.split('.').length - b.split('.').length);
    const soname = hits.find((f) => /\.so\.\d+$/.test(f)) ?? hits[0];
    if (soname) return join(dir, soname);
  }
  return undefined;
}
