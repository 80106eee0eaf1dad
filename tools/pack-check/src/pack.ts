/**
 * `pnpm pack` for every published package, as the registry would receive it: workspace:^
 * dependencies rewritten to versions, only the files of `files`.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pnpmCommand, publishedPackages, ROOT, type WorkspacePackage } from './workspace.js';

const run = promisify(execFile);

export interface Tarball extends WorkspacePackage {
  /** absolute path of the .tgz */
  file: string;
  /** size of the .tgz */
  bytes: number;
  /** the files it holds, and their unpacked size */
  files: string[];
  unpackedBytes: number;
}

interface PnpmPackJson {
  name: string;
  version: string;
  filename: string;
  files: Array<{ path: string }>;
}

/** Pack one package into `dest` (which must exist). The packages must be built: dist/ is shipped. */
export async function pack(p: WorkspacePackage, dest: string): Promise<Tarball> {
  const [cmd, ...args] = pnpmCommand();
  const cwd = join(ROOT, p.dir);
  const { stdout } = await run(cmd, [...args, 'pack', '--json', '--pack-destination', dest], { cwd, maxBuffer: 1 << 24 });
  const json = JSON.parse(stdout.slice(stdout.indexOf('{'))) as PnpmPackJson;
  const files = json.files.map((f) => f.path).sort();
  const unpackedBytes = files.reduce((n, f) => n + statSync(join(cwd, f)).size, 0);
  return { ...p, file: json.filename, bytes: statSync(json.filename).size, files, unpackedBytes };
}

/** Pack every published package into `dest`, in parallel (each pack is mostly npx start-up). */
export async function packAll(dest: string): Promise<Tarball[]> {
  return Promise.all(publishedPackages().map((p) => pack(p, dest)));
}

/** The tarballs a stack installs: the named boxes and, transitively, what they depend on. */
export function closure(all: readonly Tarball[], names: readonly string[]): Tarball[] {
  const byName = new Map(all.map((t) => [t.name, t]));
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    const t = byName.get(n);
    if (!t) throw new Error(`${n} is not a published package of this workspace`);
    seen.add(n);
    for (const d of Object.keys(t.dependencies)) if (byName.has(d)) visit(d);
  };
  names.forEach(visit);
  return all.filter((t) => seen.has(t.name));
}
