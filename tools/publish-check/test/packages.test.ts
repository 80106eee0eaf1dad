/**
 * Every publishable package of the workspace (every package.json under pnpm-workspace.yaml's globs
 * without "private": true) passes every rule of src/checks.ts and publint, on its real tarball.
 * Runs after `pnpm build` (turbo: test depends on build, and this package's devDependencies pull
 * in every publishable package's build first).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPackage, findRoot, mapLimit, workspaceGlobs, workspacePackages, type PackageReport } from '../src/index.js';

const root = findRoot(new URL('.', import.meta.url).pathname);
const workspace = workspacePackages(root);
const publishable = workspace.filter((w) => w.publishable);
const self = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  devDependencies?: Record<string, string>;
};
const publintVersion = (JSON.parse(readFileSync(join(root, 'node_modules/publint/package.json'), 'utf8')) as { version: string })
  .version;

const reports = new Map<string, PackageReport>();

beforeAll(async () => {
  const done = await mapLimit(publishable, 3, (w) => checkPackage({ root, workspace, dir: w.dir, rel: w.rel }));
  for (const r of done) {
    reports.set(r.rel, r);
    const lines = [...r.problems.filter((p) => p.startsWith('publint ')), ...r.suggestions];
    console.log(`publint ${publintVersion} on ${r.name} (${r.packed.length} files packed): ${lines.length === 0 ? 'no messages' : `\n  ${lines.join('\n  ')}`}`);
  }
});

describe('the workspace', () => {
  it('is read from pnpm-workspace.yaml and has publishable packages', () => {
    expect(workspaceGlobs(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')).length).toBeGreaterThan(0);
    expect(publishable.length).toBeGreaterThanOrEqual(2);
    expect(workspace.length).toBeGreaterThan(publishable.length); // tools are private
  });

  it('publish-check depends on every publishable package with a build, so turbo builds them before this test', () => {
    const missing = publishable
      .filter((w) => typeof (w.manifest.scripts as Record<string, unknown> | undefined)?.build === 'string')
      .filter((w) => !self.devDependencies?.[w.name]?.startsWith('workspace:'))
      .map((w) => `add "${w.name}": "workspace:*" to tools/publish-check/package.json devDependencies`);
    expect(missing).toEqual([]);
  });

  it('all publishable packages name the same repository', () => {
    const urlOf = (w: (typeof publishable)[number]) => JSON.stringify((w.manifest.repository as { url?: unknown } | undefined)?.url);
    const urls = new Set(publishable.map(urlOf));
    expect(urls.size, publishable.map((w) => `${w.name}: ${urlOf(w)}`).join('\n')).toBe(1);
  });
});

describe.each(publishable.map((w) => [w.rel, w] as const))('%s', (rel, w) => {
  it(`${w.name} is publishable on its own (fields, exports, files, LICENSE, README, dependencies, publint)`, () => {
    const r = reports.get(rel);
    expect(r, 'packed and checked in beforeAll').toBeDefined();
    expect(r!.problems, `${w.name}:\n  ${r!.problems.join('\n  ')}`).toEqual([]);
  });

  it('ships its README, LICENSE and package.json, and no tests', () => {
    const files = reports.get(rel)!.packed;
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    expect(files.filter((f) => /\.test\.|(?:^|\/)test\//.test(f))).toEqual([]);
  });
});
