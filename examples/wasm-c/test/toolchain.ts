/**
 * Finding clang-14 and wasm-ld for the build check, installing them where that is cheap and
 * allowed: as root with apt-get (Debian's clang-14 and lld-14, without recommends; apt's package
 * lists refreshed only if the install fails without it). HAKMEM_NO_INSTALL=1 turns the install off.
 * Returns null and a notice when there is no toolchain.
 */
import { spawnSync } from 'node:child_process';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const present = () => has('clang-14') && (has('wasm-ld-14') || has('wasm-ld'));

function apt(args: string[]): boolean {
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=120', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return r.status === 0;
}

export interface Toolchain {
  clang: string | null;
  /** why there is none, or how it came */
  notice: string;
}

export function findToolchain(): Toolchain {
  if (present()) return { clang: 'clang-14', notice: 'clang-14 and wasm-ld found' };
  const root = process.getuid?.() === 0;
  if (!root || !has('apt-get') || process.env.HAKMEM_NO_INSTALL === '1') {
    return { clang: null, notice: 'clang-14 and wasm-ld (lld-14) are not installed: the build check is skipped (apt-get install clang-14 lld-14)' };
  }
  const t = performance.now();
  console.log('examples/wasm-c: installing clang-14 and lld-14 with apt-get (once per machine)...');
  const pkgs = ['install', '-y', '-q', '--no-install-recommends', 'clang-14', 'lld-14'];
  const ok = apt(pkgs) || (apt(['update', '-q']) && apt(pkgs));
  const s = ((performance.now() - t) / 1000).toFixed(1);
  if (!ok || !present()) return { clang: null, notice: `apt-get install clang-14 lld-14 failed (${s} s): the build check is skipped` };
  console.log(`examples/wasm-c: clang-14 and lld-14 installed in ${s} s`);
  return { clang: 'clang-14', notice: `installed in ${s} s` };
}
