/**
 * publish-check: is each package of the workspace publishable on its own? The rules of
 * checks.ts, then publint on the real tarball. See README.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { checkManifest, type CheckContext } from './checks.js';
import { pack, type Packed } from './pack.js';
import type { Manifest, WorkspacePackage } from './workspace.js';

export { checkDependencies, checkExports, checkFields, checkManifest, checkNoStrays, checkShippedDocs } from './checks.js';
export type { CheckContext } from './checks.js';
export { pack, pinnedPnpm, pnpmCommand, readTarball } from './pack.js';
export type { Packed, PackedFile } from './pack.js';
export { findRoot, workspaceGlobs, workspacePackages } from './workspace.js';
export type { Manifest, WorkspacePackage } from './workspace.js';

export interface PublintReport {
  /** Errors and warnings: each one fails the check. */
  problems: string[];
  /** Suggestions: printed, not failed on. */
  suggestions: string[];
}

/** publint over the files of the tarball (what a user installs), not over the directory. */
export async function runPublint(packed: Packed): Promise<PublintReport> {
  const files = packed.files.map((f) => ({ name: `package/${f.path}`, data: f.data }));
  const { messages } = await publint({ pkgDir: 'package', pack: { files }, level: 'suggestion', strict: false });
  const text = (m: (typeof messages)[number]) =>
    `publint ${m.type} ${m.code} at ${m.path.join('.') || '(package.json)'}: ${formatMessage(m, packed.manifest, { color: false }) ?? m.code}`;
  return {
    problems: messages.filter((m) => m.type === 'error' || m.type === 'warning').map(text),
    suggestions: messages.filter((m) => m.type === 'suggestion').map(text),
  };
}

export interface PackageReport {
  name: string;
  rel: string;
  /** Every problem found; empty when the package is publishable. */
  problems: string[];
  /** publint's suggestions (not failures). */
  suggestions: string[];
  /** The tarball's file list. */
  packed: string[];
}

export interface CheckOptions {
  root: string;
  /** Every package of the workspace (for the dependency rules). */
  workspace: readonly Pick<WorkspacePackage, 'name' | 'publishable'>[];
  /** The package directory to check (a copy elsewhere is fine). */
  dir: string;
  /** Its path relative to the root, as `repository.directory` must say. */
  rel: string;
}

/** Pack one package and run every check on it. */
export async function checkPackage(opts: CheckOptions): Promise<PackageReport> {
  const manifest = JSON.parse(readFileSync(join(opts.dir, 'package.json'), 'utf8')) as Manifest;
  const packed = await pack(opts.dir, opts.root);
  const byPath = new Map(packed.files.map((f) => [f.path, f]));
  const ctx: CheckContext = {
    root: opts.root,
    dir: opts.dir,
    rel: opts.rel,
    workspace: new Map(opts.workspace.map((w) => [w.name, { publishable: w.publishable }])),
    packed: new Set(byPath.keys()),
    packedText: (path) => {
      const f = byPath.get(path);
      return f && Buffer.from(f.data).toString('utf8');
    },
  };
  const lint = await runPublint(packed);
  return {
    name: typeof manifest.name === 'string' ? manifest.name : opts.rel,
    rel: opts.rel,
    problems: [...checkManifest(manifest, ctx), ...lint.problems],
    suggestions: lint.suggestions,
    packed: [...byPath.keys()].sort(),
  };
}

/** Run `fn` over `items`, at most `limit` at a time. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
