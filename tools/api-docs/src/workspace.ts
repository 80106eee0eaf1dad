/**
 * The published packages of the workspace (the `packages:` globs of pnpm-workspace.yaml, every
 * package.json without `"private": true`) and their public entry points: each subpath of the
 * `exports` map, as its source file (`source`), or its types where the package ships no source.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One public entry point: what `import ... from '<specifier>'` gives a user. */
export interface Entry {
  /** the package name: `@hakmem/arena` */
  pkg: string;
  /** what a user imports: `@hakmem/arena/stats` */
  specifier: string;
  /** the file that declares it (absolute) */
  file: string;
  /** the package directory (absolute) */
  dir: string;
}

/** The repository root (where pnpm-workspace.yaml is). */
export const ROOT = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');

/** The package directories the workspace's `dir/*` globs name (the only form this workspace uses). */
export function packageDirs(root: string): string[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s+-\s+['"]?([^'"\s]+)\/\*['"]?\s*$/gm)].map((m) => m[1]);
  return globs.flatMap((g) => {
    const base = join(root, g);
    if (!existsSync(base)) return [];
    return readdirSync(base, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'package.json')))
      .map((d) => join(base, d.name));
  });
}

type ExportTarget = string | { source?: string; types?: string; import?: string; require?: string; default?: string };

/** The public entry points of the packages in `dirs` that are published. */
export function publishedEntries(dirs: readonly string[]): Entry[] {
  const out: Entry[] = [];
  for (const dir of dirs) {
    const m = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; private?: boolean; exports?: Record<string, ExportTarget> };
    if (m.private === true) continue;
    for (const [sub, t] of Object.entries(m.exports ?? {})) {
      if (sub.endsWith('package.json')) continue;
      const rel = typeof t === 'string' ? t : (t.source ?? t.types);
      if (!rel || !/\.(ts|cts|mts)$/.test(rel)) continue;
      out.push({ pkg: m.name, specifier: sub === '.' ? m.name : `${m.name}/${sub.replace(/^\.\//, '')}`, file: join(dir, rel), dir });
    }
  }
  return out;
}
