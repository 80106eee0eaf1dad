/**
 * The workspace as a user never sees it: where the packages are, which of them are published, and
 * the pinned pnpm. Read from the files themselves, so a new package is packed without a change here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');

export interface WorkspacePackage {
  name: string;
  version: string;
  /** directory relative to the root, e.g. packages/pool-tls */
  dir: string;
  /** runtime dependencies, as declared (workspace:^ for ours) */
  dependencies: Record<string, string>;
}

/** The globs of pnpm-workspace.yaml, of the simple form `dir/*` (all this repository uses). */
function workspaceGlobs(): string[] {
  const yaml = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split('\n')) {
    if (/^\S/.test(line)) inPackages = line.startsWith('packages:');
    const m = inPackages ? /^\s+-\s+['"]?([^'"\s]+)['"]?/.exec(line) : null;
    if (m) globs.push(m[1]);
  }
  return globs;
}

/** Every workspace package that is not private: what `changeset publish` would publish. */
export function publishedPackages(): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const glob of workspaceGlobs()) {
    if (!glob.endsWith('/*')) throw new Error(`pnpm-workspace.yaml: unsupported glob ${glob}`);
    const parent = glob.slice(0, -2);
    for (const d of readdirSync(join(ROOT, parent)).sort()) {
      const pj = join(ROOT, parent, d, 'package.json');
      if (!existsSync(pj)) continue;
      const p = JSON.parse(readFileSync(pj, 'utf8')) as {
        name: string; version: string; private?: boolean; dependencies?: Record<string, string>;
      };
      if (p.private) continue;
      out.push({ name: p.name, version: p.version, dir: `${parent}/${d}`, dependencies: p.dependencies ?? {} });
    }
  }
  return out;
}

/** `npx -y pnpm@<pin>`: the version the root package.json pins, never a global pnpm. */
export function pnpmCommand(): string[] {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string };
  return ['npx', '-y', root.packageManager.split('+')[0]];
}
