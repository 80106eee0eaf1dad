/**
 * The wasm builds of wasm/random_mixed.c: the compilers (found, or installed as root with apt-get
 * unless HAKMEM_NO_INSTALL=1), their exact flags and versions, and the build itself. The outputs
 * are committed in wasm/out/ (with BUILD.json: compiler, version, flags of each), so a run needs
 * no compiler; test/wasm.test.ts checks that a build reproduces them byte for byte.
 *
 *   node dist/wasm/build.js [--out DIR] [--only NAME]   rebuild (default: every artifact, into wasm/out)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_DIR } from '../native/toolchain.js';

export const WASM_DIR = join(PACKAGE_DIR, 'wasm');
export const WASM_OUT = join(WASM_DIR, 'out');
export const SOURCE = 'random_mixed.c';

export type WasmBuildName = 'hakmem' | 'dlmalloc' | 'emmalloc';
export const WASM_BUILDS: readonly WasmBuildName[] = ['hakmem', 'dlmalloc', 'emmalloc'];

/** wasm32 pages the clang build may use (the linker's --max-memory): 256 MiB */
export const HAKMEM_MAX_MEMORY = 256 << 20;
/** emscripten's fixed memory (no growth: pthreads and growth are slow together) */
export const EMCC_MEMORY = 128 << 20;
/** emscripten's pre-started pthread Workers: the most threads a run may ask for */
export const EMCC_POOL = 2;

/**
 * Compiled, then linked by wasm-ld itself: clang's driver runs binaryen's wasm-opt after the link
 * whenever one is on PATH (emscripten brings one), so the bytes would depend on the machine.
 */
export const CLANG_FLAGS: readonly string[] = [
  '--target=wasm32', '-O2', '-matomics', '-mbulk-memory', '-mmutable-globals', '-nostdlib', '-fno-builtin', '-c',
];
export const WASM_LD_FLAGS: readonly string[] = [
  '--no-entry', '--import-memory', '--shared-memory', `--max-memory=${HAKMEM_MAX_MEMORY}`,
  '--export=__heap_base', '--export=__stack_pointer',
];
/** Debian's lld-14 installs wasm-ld-14; other systems a plain wasm-ld */
const wasmLd = () => (has('wasm-ld-14') ? 'wasm-ld-14' : 'wasm-ld');

export const emccFlags = (malloc: 'dlmalloc' | 'emmalloc'): string[] => [
  '-O2', '-pthread', `-sMALLOC=${malloc}`, `-sPTHREAD_POOL_SIZE=${EMCC_POOL}`, `-sINITIAL_MEMORY=${EMCC_MEMORY}`,
  '-sENVIRONMENT=node,worker', '-sEXIT_RUNTIME=1',
];

/** The files of one build, relative to the output directory. */
export function buildFiles(name: WasmBuildName): string[] {
  return name === 'hakmem' ? ['hakmem.wasm'] : [`${name}/rm.js`, `${name}/rm.wasm`, `${name}/rm.worker.js`, `${name}/package.json`];
}

export interface BuildRecord {
  compiler: string;
  version: string;
  command: string;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const firstLine = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: emccEnv() });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : undefined;
};
/** emcc 3.1.6 (Debian) finds its node modules (acorn, ...) only through NODE_PATH */
const emccEnv = () => ({ ...process.env, NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') });

export interface Compiler {
  /** the command, or null with the reason in `notice` */
  cmd: string | null;
  version?: string;
  notice: string;
}

function apt(args: string[]): boolean {
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return r.status === 0;
}

/** Find a compiler, or install its Debian packages (root, apt-get, HAKMEM_NO_INSTALL unset). */
function findOrInstall(what: string, present: () => boolean, cmd: string, pkgs: string[], say: (s: string) => void): Compiler {
  const version = () => firstLine(cmd, ['--version']);
  if (present()) return { cmd, version: version(), notice: `${cmd} found` };
  const hint = `apt-get install ${pkgs.join(' ')}`;
  if (process.env.HAKMEM_NO_INSTALL === '1') return { cmd: null, notice: `${what} is not installed and HAKMEM_NO_INSTALL=1 (${hint})` };
  if (process.getuid?.() !== 0 || !has('apt-get')) return { cmd: null, notice: `${what} is not installed (not root, or no apt-get: ${hint})` };
  const t = performance.now();
  say(`wasm: installing ${pkgs.join(' ')} with apt-get (once per machine)...`);
  const install = ['install', '-y', '-q', '--no-install-recommends', ...pkgs];
  const ok = apt(install) || (apt(['update', '-q']) && apt(install));
  const s = ((performance.now() - t) / 1000).toFixed(1);
  if (!ok || !present()) return { cmd: null, notice: `${hint} failed (${s} s)` };
  say(`wasm: ${pkgs.join(' ')} installed in ${s} s`);
  return { cmd, version: version(), notice: `installed with apt-get in ${s} s` };
}

export const findClang = (say: (s: string) => void = () => {}) =>
  findOrInstall('clang-14 / wasm-ld', () => has('clang-14') && (has('wasm-ld-14') || has('wasm-ld')), 'clang-14', ['clang-14', 'lld-14'], say);
export const findEmcc = (say: (s: string) => void = () => {}) =>
  findOrInstall('emscripten (emcc)', () => has('emcc'), 'emcc', ['emscripten'], say);

/**
 * Build one artifact into `out` (its files written to a temporary directory first, then moved, so
 * a concurrent run never sees half a build). Returns how it was built.
 */
export function buildOne(name: WasmBuildName, cc: Compiler, out: string): BuildRecord {
  if (!cc.cmd) throw new Error(cc.notice);
  const tmp = join(out, `.tmp-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    if (name === 'hakmem') {
      const obj = join(tmp, 'hakmem.o');
      run(cc.cmd, [...CLANG_FLAGS, '-o', obj, SOURCE]);
      run(wasmLd(), [...WASM_LD_FLAGS, '-o', join(tmp, 'hakmem.wasm'), obj]);
    } else {
      mkdirSync(join(tmp, name));
      // emcc's output is CommonJS: a package.json beside it keeps this "type": "module" package out
      writeFileSync(join(tmp, name, 'package.json'), '{ "type": "commonjs" }\n');
      run(cc.cmd, [...emccFlags(name), '-o', join(tmp, name, 'rm.js'), SOURCE]);
    }
    for (const f of buildFiles(name)) {
      mkdirSync(join(out, f, '..'), { recursive: true });
      renameSync(join(tmp, f), join(out, f));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const command = name === 'hakmem'
    ? `${cc.cmd} ${CLANG_FLAGS.join(' ')} -o hakmem.o wasm/${SOURCE} && ${wasmLd()} ${WASM_LD_FLAGS.join(' ')} -o hakmem.wasm hakmem.o`
    : `${cc.cmd} ${emccFlags(name).join(' ')} -o ${buildFiles(name)[0]} wasm/${SOURCE}`;
  return { compiler: cc.cmd, version: cc.version ?? '?', command };
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: WASM_DIR, encoding: 'utf8', env: emccEnv() });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} failed on wasm/${SOURCE}: ${r.stderr.trim()}`);
}

/** BUILD.json in an output directory: how each artifact there was built. */
export function readBuildRecords(out = WASM_OUT): Partial<Record<WasmBuildName, BuildRecord>> {
  const f = join(out, 'BUILD.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Partial<Record<WasmBuildName, BuildRecord>>) : {};
}

function writeBuildRecord(out: string, name: WasmBuildName, rec: BuildRecord): void {
  const all = { ...readBuildRecords(out), [name]: rec };
  const sorted = Object.fromEntries(WASM_BUILDS.filter((n) => all[n]).map((n) => [n, all[n]]));
  writeFileSync(join(out, 'BUILD.json'), `${JSON.stringify(sorted, null, 2)}\n`);
}

export const isBuilt = (name: WasmBuildName, out = WASM_OUT) => buildFiles(name).every((f) => existsSync(join(out, f)));

export interface Artifact {
  name: WasmBuildName;
  /** the .wasm (hakmem) or the emscripten launcher rm.js; undefined when it cannot be had */
  path?: string;
  record?: BuildRecord;
  /** where it came from ("committed build", "built now"), or why it is missing */
  notice: string;
}

/**
 * The artifact to run: the committed build when present (no compiler needed), else a build now
 * (installing the compiler where allowed), else a notice why not.
 */
export function artifact(name: WasmBuildName, say: (s: string) => void = () => {}, out = WASM_OUT): Artifact {
  const main = () => join(out, buildFiles(name)[0]);
  if (isBuilt(name, out)) return { name, path: main(), record: readBuildRecords(out)[name], notice: `committed build (wasm/out/${buildFiles(name)[0]})` };
  const cc = name === 'hakmem' ? findClang(say) : findEmcc(say);
  if (!cc.cmd) return { name, notice: `skipped: ${cc.notice}` };
  say(`wasm: building ${name} with ${cc.cmd}...`);
  const record = buildOne(name, cc, out);
  writeBuildRecord(out, name, record);
  return { name, path: main(), record, notice: `built now (${cc.notice})` };
}

/** Build these artifacts (default all) into `out` (the compilers must be there or installable). */
export function buildAll(out: string, say: (s: string) => void = () => {}, names: readonly WasmBuildName[] = WASM_BUILDS): Partial<Record<WasmBuildName, BuildRecord>> {
  mkdirSync(out, { recursive: true });
  const recs: Partial<Record<WasmBuildName, BuildRecord>> = {};
  for (const n of names) {
    recs[n] = buildOne(n, n === 'hakmem' ? findClang(say) : findEmcc(say), out);
    writeBuildRecord(out, n, recs[n]!);
  }
  return recs;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[i + 1] ?? '') : WASM_OUT;
  const j = process.argv.indexOf('--only');
  const only = j > 0 ? (process.argv[j + 1] ?? '').split(',') : [...WASM_BUILDS];
  for (const n of only) if (!(WASM_BUILDS as readonly string[]).includes(n)) throw new Error(`--only: ${n} is not one of ${WASM_BUILDS.join(', ')}`);
  const recs = buildAll(out, (s) => process.stderr.write(`${s}\n`), only as WasmBuildName[]);
  for (const [n, r] of Object.entries(recs)) process.stdout.write(`${n}: ${r!.version}\n  ${r!.command}\n`);
}
