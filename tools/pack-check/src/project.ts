/**
 * A user's project in a fresh directory outside the workspace: plain npm installs the tarballs
 * (offline: nothing may come from the registry, so a tarball that needs a package the stack did
 * not install fails here), the user's files are copied in, TypeScript compiles them against the
 * installed types, node runs them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './workspace.js';

export const FIXTURES = new URL('../fixtures', import.meta.url).pathname;

/** A new project directory under the system's temp dir, with `tarballs` installed by npm. */
export function userProject(name: string, tarballs: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `hakmem-${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `user-${name}`, private: true, type: 'module' }, null, 2));
  try {
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm install failed in ${dir}:\n${(e as { stderr?: Buffer }).stderr?.toString() ?? ''}`);
  }
  return dir;
}

/** Copy fixture files into the project: `files` maps a path in the project to a fixture path. */
export function addFiles(dir: string, files: Record<string, string>): void {
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    copyFileSync(join(FIXTURES, from), join(dir, to));
  }
}

/**
 * Compile src/ to dist/ with a strict tsconfig, as a user would (their own TypeScript and
 * @types/node: here the workspace's, the only installs that come from outside the tarballs).
 * Library .d.ts files are checked too (no skipLibCheck): the packages' types must hold.
 */
export function compileTs(dir: string): void {
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
      outDir: 'dist', rootDir: 'src', skipLibCheck: false,
      types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')],
    },
    include: ['src'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`tsc failed in ${dir}:\n${out}`);
  }
}

/** Run a file of the project with node; its last stdout line is JSON. */
export function runJson<T>(dir: string, file: string): T {
  const out = execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** The packages npm put in node_modules/@hakmem (and the umbrella), by name. */
export function installedOfOurs(dir: string): string[] {
  const scoped = readdirSync(join(dir, 'node_modules/@hakmem'), { withFileTypes: true }).map((d) => `@hakmem/${d.name}`);
  const umbrella = readdirSync(join(dir, 'node_modules')).includes('hakmem') ? ['hakmem'] : [];
  return [...scoped, ...umbrella].sort();
}
