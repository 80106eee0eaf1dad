/**
 * The workspace as pnpm sees it: the `packages:` globs of pnpm-workspace.yaml, expanded. Nothing
 * here knows which packages exist; a package added (or made publishable) is checked without any
 * change to this tool.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Manifest {
  name?: unknown;
  version?: unknown;
  private?: unknown;
  [field: string]: unknown;
}

export interface WorkspacePackage {
  /** The directory, relative to the repository root, with forward slashes: `packages/pool-tls`. */
  rel: string;
  /** The absolute directory. */
  dir: string;
  /** The parsed package.json. */
  manifest: Manifest;
  name: string;
  /** Not `"private": true`: it is published. */
  publishable: boolean;
}

/** The repository root: the nearest directory at or above `from` that has pnpm-workspace.yaml. */
export function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = join(dir, '..');
    if (up === dir) throw new Error(`no pnpm-workspace.yaml at or above ${from}`);
    dir = up;
  }
}

/**
 * The `packages:` list of a pnpm-workspace.yaml. A deliberately small YAML reader: a top-level
 * `packages:` key followed by `- item` lines (quoted or not), which is all pnpm's format uses for it.
 */
export function workspaceGlobs(yaml: string): string[] {
  const out: string[] = [];
  let inPackages = false;
  for (const raw of yaml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (/^\S/.test(line)) {
      inPackages = /^packages\s*:\s*$/.test(line);
      const inline = /^packages\s*:\s*\[(.*)\]\s*$/.exec(line);
      if (inline) out.push(...inline[1].split(',').map(unquote).filter((s) => s !== ''));
      continue;
    }
    if (!inPackages) continue;
    const item = /^\s+-\s+(.+)$/.exec(line);
    if (item) out.push(unquote(item[1]));
  }
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/** Directories (relative, forward slashes) matched by one glob: `*` is one segment, `**` any depth. */
function expand(root: string, glob: string): string[] {
  const segments = glob.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
  const toRegExp = (seg: string) =>
    new RegExp(`^${seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const walk = (rel: string, i: number): string[] => {
    if (i === segments.length) return [rel];
    const seg = segments[i];
    const abs = join(root, rel);
    if (!existsSync(abs)) return [];
    const subdirs = () =>
      readdirSync(abs, { withFileTypes: true })
        .filter((d) => d.isDirectory() && d.name !== 'node_modules' && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
    const at = (name: string) => (rel === '' ? name : `${rel}/${name}`);
    if (seg === '**') {
      return [...walk(rel, i + 1), ...subdirs().flatMap((name) => walk(at(name), i))];
    }
    if (!/[*?]/.test(seg)) return walk(at(seg), i + 1);
    const re = toRegExp(seg);
    return subdirs()
      .filter((name) => re.test(name))
      .flatMap((name) => walk(at(name), i + 1));
  };
  return walk('', 0);
}

/** Every package of the workspace (the root package excluded), sorted by directory. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const globs = workspaceGlobs(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8'));
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const excluded = new Set(exclude.flatMap((g) => expand(root, g)));
  const rels = [...new Set(include.flatMap((g) => expand(root, g)))]
    .filter((rel) => rel !== '' && !excluded.has(rel) && existsSync(join(root, rel, 'package.json')))
    .sort();
  return rels.map((rel) => {
    const dir = join(root, rel);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    return {
      rel,
      dir,
      manifest,
      name: typeof manifest.name === 'string' ? manifest.name : rel,
      publishable: manifest.private !== true,
    };
  });
}
