/**
 * A check that cannot fail is worth nothing. Each case copies a real, built package of the
 * workspace to a temporary directory, plants one packaging defect (a broken exports map, a file left
 * out of "files", a missing LICENSE, a foreign runtime dependency, ...), packs the copy with pnpm
 * and asserts that checkPackage fails and names the problem. The untouched copy passes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDependencies,
  checkFields,
  checkPackage,
  findRoot,
  mapLimit,
  workspaceGlobs,
  workspacePackages,
  type CheckContext,
  type PackageReport,
} from '../src/index.js';

const root = findRoot(new URL('.', import.meta.url).pathname);
const workspace = workspacePackages(root);

type Conditions = Record<string, string>;
interface Pkg {
  exports: Record<string, Conditions | string>;
  files: string[];
  [field: string]: unknown;
}

/**
 * The package to plant defects in: a publishable one with no runtime dependencies (so that it packs
 * outside the workspace) and at least two built subpaths; the one with the most subpaths.
 */
const fixture = workspace
  .filter((w) => w.publishable && Object.keys((w.manifest.dependencies as object | undefined) ?? {}).length === 0)
  .map((w) => ({ w, subs: Object.entries((w.manifest.exports as Pkg['exports'] | undefined) ?? {}) }))
  .filter(({ subs }) => subs.filter(([, v]) => typeof v === 'object' && v !== null && v.import?.startsWith('./dist/')).length >= 2)
  .sort((a, b) => b.subs.length - a.subs.length || a.w.rel.localeCompare(b.w.rel))[0]?.w;

if (!fixture) throw new Error('no publishable package without dependencies and with two built subpaths to plant defects in');
const fixtureExports = fixture.manifest.exports as Record<string, Conditions>;
/** A subpath other than the main one, and its built file. */
const sub = Object.keys(fixtureExports).find((s) => s !== '.' && typeof fixtureExports[s] === 'object')!;
const subJs = fixtureExports[sub].import; // ./dist/<name>.js

interface Case {
  title: string;
  plant(dir: string, pkg: Pkg): void;
  /** Every string must appear in one of the problems. */
  expect: string[];
}

const cases: Case[] = [
  {
    title: 'a missing dist target',
    plant: (dir) => rmSync(join(dir, subJs)),
    expect: [`exports["${sub}"].import: ${subJs} does not exist`, 'publint error FILE_DOES_NOT_EXIST'],
  },
  {
    title: '`types` after `default`',
    plant: (_dir, pkg) => {
      const { types, ...rest } = pkg.exports['.'] as Conditions;
      pkg.exports['.'] = { ...rest, types };
    },
    expect: ['exports["."]: "types" must come first, before "import", "default"', 'exports["."]: "default" must be the last condition'],
  },
  {
    title: 'a subpath whose file "files" leaves out',
    plant: (_dir, pkg) => pkg.files.push(`!${subJs.slice(2)}`),
    expect: [`exports["${sub}"].import: ${subJs} exists but is not in the package`, 'publint error FILE_DOES_NOT_EXIST'],
  },
  {
    title: 'a new subpath in a folder "files" does not list',
    plant: (dir, pkg) => {
      cpSync(join(dir, subJs), join(dir, 'extra/feature.js'), { recursive: true });
      writeFileSync(join(dir, 'extra/feature.d.ts'), 'export {};\n');
      pkg.exports['./feature'] = { types: './extra/feature.d.ts', import: './extra/feature.js', default: './extra/feature.js' };
    },
    expect: [
      'exports["./feature"].types: ./extra/feature.d.ts exists but is not in the package',
      'exports["./feature"].import: ./extra/feature.js exists but is not in the package',
    ],
  },
  {
    title: 'a missing `source`',
    plant: (_dir, pkg) => {
      delete (pkg.exports[sub] as Conditions).source;
    },
    expect: [`exports["${sub}"]: no "source" condition`],
  },
  {
    title: 'a `source` that does not exist',
    plant: (_dir, pkg) => {
      (pkg.exports[sub] as Conditions).source = './src/missing.ts';
    },
    expect: [`exports["${sub}"].source: ./src/missing.ts does not exist`, `is not the source of ${subJs}`],
  },
  {
    title: '`types` that are not the declaration of the entry',
    plant: (_dir, pkg) => {
      (pkg.exports[sub] as Conditions).types = (pkg.exports['.'] as Conditions).types;
    },
    expect: [`exports["${sub}"].types: ${(fixtureExports['.'] as Conditions).types} is not the declaration of ${subJs}`],
  },
  {
    title: 'a bare string export of code',
    plant: (_dir, pkg) => {
      pkg.exports[sub] = subJs;
    },
    expect: [`exports["${sub}"]: a bare path to code`],
  },
  {
    title: 'CommonJS code where the package says ESM (publint)',
    plant: (dir) => writeFileSync(join(dir, subJs), 'module.exports = { x: 1 };\n'),
    expect: ['publint warning FILE_INVALID_FORMAT'], // a warning: warnings fail too
  },
  {
    title: 'no LICENSE',
    plant: (dir) => rmSync(join(dir, 'LICENSE'), { force: true }),
    expect: ['LICENSE: not in the package'],
  },
  {
    title: 'a LICENSE that is not the root one',
    plant: (dir) => writeFileSync(join(dir, 'LICENSE'), 'ISC License\n'),
    expect: ['LICENSE: differs from the root LICENSE'],
  },
  {
    title: 'a CHANGELOG.md that "files" leaves out',
    plant: (dir, pkg) => {
      writeFileSync(join(dir, 'CHANGELOG.md'), '# changelog\n');
      pkg.files = pkg.files.filter((f) => f !== 'CHANGELOG.md');
    },
    expect: ['CHANGELOG.md: exists but is not in the package'],
  },
  {
    title: '"files" without CHANGELOG.md (before the first `changeset version`)',
    plant: (dir, pkg) => {
      rmSync(join(dir, 'CHANGELOG.md'), { force: true }); // the copy may have one already
      pkg.files = pkg.files.filter((f) => f !== 'CHANGELOG.md');
    },
    expect: ['files: does not list "CHANGELOG.md"'],
  },
  {
    title: 'a runtime dependency from outside the project',
    plant: (_dir, pkg) => {
      pkg.dependencies = { 'left-pad': '^1.3.0' };
    },
    expect: ['dependencies.left-pad: "^1.3.0" is not a package of this workspace'],
  },
  {
    title: 'missing fields and a wrong repository directory',
    plant: (_dir, pkg) => {
      for (const f of ['description', 'sideEffects', 'keywords', 'engines', 'types']) delete pkg[f];
      pkg.repository = { type: 'git', url: 'https://example.com/x', directory: 'packages/elsewhere' };
      pkg.license = 'ISC';
    },
    expect: [
      'description: missing',
      'sideEffects: missing',
      'keywords: missing',
      'engines.node: missing',
      'types: missing',
      'license: "ISC", expected "MIT"',
      'repository.url: "https://example.com/x"',
      `repository.directory: "packages/elsewhere", expected "${fixture.rel}"`,
    ],
  },
  {
    title: 'a README without an example',
    plant: (dir) => writeFileSync(join(dir, 'README.md'), '# a package\n\nNo example here.\n'),
    expect: ['README.md: no ```js or ```ts example'],
  },
  {
    title: 'tests in the tarball',
    plant: (dir, pkg) => {
      writeFileSync(join(dir, 'src/planted.test.ts'), 'export {};\n');
      pkg.files = pkg.files.filter((f) => !f.startsWith('!'));
    },
    expect: ['src/planted.test.ts: in the package, but tests'],
  },
];

const base = mkdtempSync(join(tmpdir(), 'publish-check-planted-'));

/** A copy of the fixture package (sources, build, docs; not node_modules), with `plant` applied. */
function copyWith(name: string, plant: Case['plant']): string {
  const dir = join(base, name);
  cpSync(fixture!.dir, dir, {
    recursive: true,
    filter: (src) => !/(?:^|\/)(?:node_modules|\.turbo)(?:\/|$)|\.vitest-report\.json$|\.tgz$/.test(src.slice(fixture!.dir.length)),
  });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Pkg;
  plant(dir, pkg);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return dir;
}

const check = (dir: string) => checkPackage({ root, workspace, dir, rel: fixture.rel });

let pristine: PackageReport;
const results = new Map<string, PackageReport>();

beforeAll(async () => {
  const all = await mapLimit([{ title: 'pristine', plant: () => {}, expect: [] }, ...cases], 3, async (c) => {
    const report = await check(copyWith(`case-${[...c.title].filter((ch) => /\w/.test(ch)).join('')}`, c.plant));
    return [c.title, report] as const;
  });
  for (const [title, report] of all) {
    if (title === 'pristine') pristine = report;
    else results.set(title, report);
  }
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe(`planted defects in a copy of ${fixture.name} (${fixture.rel})`, () => {
  it('the untouched copy passes (so every failure below is the plant)', () => {
    expect(pristine.problems, pristine.problems.join('\n')).toEqual([]);
  });

  it.each(cases.map((c) => [c.title, c] as const))('%s: fails, naming the problem', (title, c) => {
    const r = results.get(title)!;
    console.log(`${title}:\n  ${r.problems.join('\n  ')}`);
    expect(r.problems.length).toBeGreaterThan(0);
    for (const want of c.expect) {
      expect(r.problems.some((p) => p.includes(want)), `no problem mentions ${JSON.stringify(want)}; got:\n  ${r.problems.join('\n  ')}`).toBe(true);
    }
  });
});

describe('rules without packing', () => {
  const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
    root,
    dir: fixture.dir,
    rel: fixture.rel,
    workspace: new Map([
      ['@x/published', { publishable: true }],
      ['@x/private-tool', { publishable: false }],
    ]),
    packed: new Set(),
    packedText: () => undefined,
    ...over,
  });

  it('workspace dependencies must be "workspace:^" and published', () => {
    const problems = checkDependencies(
      {
        dependencies: { '@x/published': 'workspace:*', '@x/private-tool': 'workspace:^' },
        optionalDependencies: { 'left-pad': '^1.3.0' },
        peerDependencies: { '@x/published': '^0.1.0' },
        devDependencies: { '@x/published': '^0.1.0' },
      },
      ctx(),
    );
    expect(problems).toEqual([
      'dependencies.@x/published: "workspace:*", expected "workspace:^"',
      'dependencies.@x/private-tool: a private package; a published package cannot depend on it',
      'peerDependencies.@x/published: "^0.1.0", expected "workspace:^"',
      'optionalDependencies.left-pad: "^1.3.0" is not a package of this workspace; nothing outside the project is a runtime dependency (devDependencies are for tooling)',
      'devDependencies.@x/published: "^0.1.0"; a workspace package is declared with the workspace: protocol',
    ]);
    // an outside host in peerDependencies is the user's to install (a preset's tool), not a runtime dependency
    expect(
      checkDependencies(
        { dependencies: { '@x/published': 'workspace:^' }, peerDependencies: { 'dependency-cruiser': '>=17.4.3 <18' }, devDependencies: { vitest: '4.1.12' } },
        ctx(),
      ),
    ).toEqual([]);
  });

  it('name and version must be valid', () => {
    const problems = checkFields({ ...fixture.manifest, name: 'Not A Name', version: '1.0' }, ctx());
    expect(problems).toEqual([
      'name: "Not A Name" is not a valid npm package name',
      'version: "1.0" is not a semver version',
    ]);
  });

  it('reads the package globs of pnpm-workspace.yaml', () => {
    expect(workspaceGlobs("packages:\n  - packages/*\n  - 'tools/*' # tools\n  - \"!tools/old\"\nonlyBuiltDependencies:\n  - esbuild\n")).toEqual([
      'packages/*',
      'tools/*',
      '!tools/old',
    ]);
    expect(workspaceGlobs('packages: [a/*, "b"]\n')).toEqual(['a/*', 'b']);
  });
});
