/**
 * The user preset (@hakmem/boundaries/preset + contractD()), proven where users meet it: in a
 * project OUTSIDE the workspace that installed our packages from their npm tarballs.
 *
 * Once per run: every package is packed with pnpm (as it would be published: workspace:^ ranges
 * become versions), the tarballs are installed with plain `npm install --offline` into a fresh
 * directory under the OS temp dir, and the user's .dependency-cruiser.cjs is the example of
 * README.md, verbatim. dependency-cruiser itself is the workspace's copy (the preset's peer), run
 * with the user project as its working directory.
 *
 * Then: the clean user tree passes; every planted violation is reported under exactly the expected
 * rules (a rule that cannot fail is worth nothing); one violation alone fails the check.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG = resolve(HERE, '..'); // tools/boundaries
const ROOT = resolve(PKG, '../..');
const require = createRequire(import.meta.url);

type Rules = typeof import('../rules.cjs');
type Rule = import('../rules.cjs').Rule;
type Role = import('../rules.cjs').Role;
// The .cjs files themselves, typed by their shipped declarations (rules.d.cts, ...): a shape the
// declarations get wrong fails the typecheck here.
const { ROLES, contractD } = require('../rules.cjs') as Rules;
const table = (require('../contract-d.cjs') as typeof import('../contract-d.cjs')).ROLES;
const repoConfig = require('../dependency-cruiser.cjs') as typeof import('../dependency-cruiser.cjs');
const preset = require('../preset.cjs') as typeof import('../preset.cjs');
const roles = Object.keys(ROLES) as Role[];

const exists = (p: string) => stat(p).then(() => true, () => false);

/* ------------------------------------------------------------------------------ processes */

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string): Promise<Out> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function must(cmd: string, args: string[], cwd: string): Promise<Out> {
  const out = await run(cmd, args, cwd);
  if (out.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${out.code}:\n${out.stdout}\n${out.stderr}`);
  return out;
}

/** dependency-cruiser's CLI, from this workspace's installation (the preset's peer dependency). */
async function depcruiseBin(): Promise<string> {
  for (const dir of [PKG, ROOT]) {
    const bin = join(dir, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    if (await exists(bin)) return bin;
  }
  throw new Error('dependency-cruiser is not installed: run pnpm install');
}

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}
interface Module {
  source: string;
  dependencies: { module: string; resolved: string; couldNotResolve: boolean }[];
}
interface Cruise {
  /** the exit code of the CLI with its default (err) reporter, what a user's CI sees */
  code: number;
  /** the text it printed */
  text: string;
  /** from a second run with `--output-type json` (whose exit code is always 0): */
  errors: number;
  modules: Module[];
  violations: Violation[];
  rules: string[];
  /** the violations, for failure messages */
  out: string;
}

/**
 * `depcruise --config .dependency-cruiser.cjs src` in the user project, as their CI runs it, and
 * the same with `--output-type json` for the details. Concurrently: each costs ~1 s of CPU.
 */
async function depcruise(cwd: string): Promise<Cruise> {
  const args = [await depcruiseBin(), '--config', '.dependency-cruiser.cjs', 'src'];
  const [err, json] = await Promise.all([
    run(process.execPath, args, cwd),
    run(process.execPath, [...args, '--output-type', 'json'], cwd),
  ]);
  const text = `${err.stdout}\n${err.stderr}`;
  let result: { modules: Module[]; summary: { error: number; violations: Violation[]; ruleSetUsed: { forbidden: { name: string }[] } } };
  try {
    result = JSON.parse(json.stdout);
  } catch {
    throw new Error(`depcruise printed no JSON (exit ${json.code}):\n${json.stdout}\n${json.stderr}`);
  }
  return {
    code: err.code,
    text,
    errors: result.summary.error,
    modules: result.modules,
    violations: result.summary.violations,
    rules: result.summary.ruleSetUsed.forbidden.map((f) => f.name),
    out: `${text}\n${JSON.stringify(result.summary.violations, null, 2)}`,
  };
}

/* ------------------------------------------------------------------------ the user project */

/** Our packages, by directory: the roles of Contract D, plus the preset's own package. */
const PACKAGE_DIRS = [...roles.map((role) => `packages/${role}`), 'tools/boundaries'];

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

async function put(dir: string, file: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, file)), { recursive: true });
  await writeFile(join(dir, file), text);
}

/** The user's config: the example of README.md ("Use it in your project"), verbatim. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(PKG, 'README.md'), 'utf8');
  const example = /```js\n(\/\/ \.dependency-cruiser\.cjs \(in your project\)\n[^]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error('README.md has no "// .dependency-cruiser.cjs (in your project)" example');
  return example;
}

/** The user's code, clean: what Contract D allows each box of the README example. */
const CLEAN: Record<string, string> = {
  // a learner of the user's own (role ace-learning): nothing of ours, node: builtins are fine
  'src/my-learner/index.ts':
    "import { parentPort } from 'node:worker_threads';\nimport { ucb1 } from './ucb.js';\n" +
    'export function learn(counts: Int32Array): number { parentPort?.postMessage(0); return ucb1(counts); }\n',
  'src/my-learner/ucb.ts': 'export function ucb1(counts: Int32Array): number { return counts.length; }\n',
  'src/my-learner/producer.ts': 'export function push(cls: number, n: number): boolean { return cls + n > 0; }\n',
  'src/my-learner/stats.ts': 'export const learnerStats = () => ({ pushed: 0 });\n',
  // a refill box (role pool-refill): pool-tls's entry and chain installer, a producer entry
  'src/my-refill/index.ts':
    "import type { CacheBase } from '@hakmem/pool-tls';\nimport * as tls from '@hakmem/pool-tls';\n" +
    "import { installChain } from '@hakmem/pool-tls/chain';\nimport * as ace from '@hakmem/ace-learning/producer';\n" +
    "import { push } from '../my-learner/producer.js';\n" +
    'export type C = CacheBase;\nexport const refill = [tls, installChain, ace, push] as const;\n',
  'src/my-refill/stats.ts': 'export const refillStats = () => ({ refills: 0 });\n',
  // a stats box (role pool-diagnostics): the ./stats entries only, ours and the user's
  'src/my-stats/index.ts':
    ['pool-refill', 'ace-learning', 'arena'].map((b, i) => `import * as s${i} from '@hakmem/${b}/stats';\n`).join('') +
    "import { learnerStats } from '../my-learner/stats.js';\nimport { refillStats } from '../my-refill/stats.js';\n" +
    'export const all = [s0, s1, s2, learnerStats, refillStats];\n',
  // the wiring code is in no box: like the umbrella, it may use everything public
  'src/main.ts':
    "import { createHeap } from 'hakmem';\nimport * as tls from '@hakmem/pool-tls';\nimport * as arena from '@hakmem/arena';\n" +
    "import * as diag from '@hakmem/pool-diagnostics';\nimport { learn } from './my-learner/index.js';\n" +
    "import { refill } from './my-refill/index.js';\nimport { all } from './my-stats/index.js';\n" +
    'export const app = [createHeap, tls, arena, diag, learn, refill, all];\n',
};

interface Project {
  dir: string;
  tarballs: string[];
  install: Out;
}

let projectRun: Promise<Project> | undefined;
/** Pack, install, write the config and the clean tree: once (memoized). */
function project(): Promise<Project> {
  projectRun ??= (async () => {
    const base = await realpath(await mkdtemp(join(tmpdir(), 'hakmem-preset-')));
    temps.push(base);
    const packs = join(base, 'tarballs');
    await mkdir(packs);
    // the pnpm of the workspace (root package.json, "packageManager")
    const pm = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).packageManager as string).split('+')[0]!;
    for (const dir of PACKAGE_DIRS.filter((d) => d.startsWith('packages/'))) {
      if (!(await exists(join(ROOT, dir, 'dist/index.js')))) {
        throw new Error(`${dir} is not built (no dist/): run pnpm build first (turbo builds it before this test)`);
      }
    }
    await Promise.all(PACKAGE_DIRS.map((dir) => must('npx', ['-y', pm, 'pack', '--pack-destination', packs], join(ROOT, dir))));
    const tarballs = (await readdir(packs)).filter((f) => f.endsWith('.tgz')).map((f) => join(packs, f));

    const dir = join(base, 'user-app');
    await put(dir, 'package.json', JSON.stringify({ name: 'user-app', version: '1.0.0', private: true, type: 'module' }, null, 2));
    // --offline: every package, and every @hakmem dependency between them, must come from the
    // tarballs given. --legacy-peer-deps: npm would otherwise install the preset's peer
    // (dependency-cruiser) and its dependencies from the registry; the test runs the workspace's.
    const install = await must('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', ...tarballs], dir);
    await put(dir, '.dependency-cruiser.cjs', await readmeExample());
    for (const [file, text] of Object.entries(CLEAN)) await put(dir, file, text);
    return { dir, tarballs, install };
  })();
  return projectRun;
}

/** A copy of the clean project (node_modules included: a few small packages). */
async function copyOfProject(): Promise<string> {
  const { dir } = await project();
  const copy = await realpath(await mkdtemp(join(tmpdir(), 'hakmem-preset-copy-')));
  temps.push(copy);
  await cp(dir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

/* ----------------------------------------------------------------------- planted violations */

const LEARNER = 'my-learner-imports-nothing-of-ours';
const REFILL = 'my-refill-imports-only-pool-tls-and-ace-producer';
const STATS = 'my-stats-imports-only-stats-entries';
const DEEP = 'no-deep-import-into-package-src';
const UNRESOLVABLE = 'not-to-unresolvable';
const CYCLE = 'no-circular';

interface Scenario {
  name: string;
  id: string;
  /** files to plant, relative to the project; `{ID}` (in names and texts) becomes `planted-<id>` */
  files: Record<string, string>;
  /** exactly the rules reported from the planted files */
  rules: string[];
}

const imp = (spec: string) => `import * as m from '${spec}';\nexport const y = m;\n`;
const typeImp = (spec: string) => `import type { CacheBase } from '${spec}';\nexport type Y = CacheBase;\n`;
const cycle = (dir: string, typeOnly = false): Record<string, string> => ({
  [`${dir}/{ID}-a.ts`]: typeOnly ? "import type { B } from './{ID}-b.js';\nexport interface A { b?: B }\n" : "import { b } from './{ID}-b.js';\nexport const a = () => b;\n",
  [`${dir}/{ID}-b.ts`]: typeOnly ? "import type { A } from './{ID}-a.js';\nexport interface B { a?: A }\n" : "import { a } from './{ID}-a.js';\nexport const b = () => a;\n",
});

const violations: Scenario[] = [
  // the user's learner (role ace-learning) imports nothing of ours
  { name: 'the learner imports @hakmem/pool-tls', id: 'l1', files: { 'src/my-learner/{ID}.ts': imp('@hakmem/pool-tls') }, rules: [LEARNER] },
  { name: 'the learner: type-only import of @hakmem/pool-tls', id: 'l2', files: { 'src/my-learner/{ID}.ts': typeImp('@hakmem/pool-tls') }, rules: [LEARNER] },
  { name: 'the learner imports the umbrella (hakmem)', id: 'l3', files: { 'src/my-learner/{ID}.ts': imp('hakmem') }, rules: [LEARNER] },
  { name: "the learner imports our learner's producer entry", id: 'l4', files: { 'src/my-learner/{ID}.ts': imp('@hakmem/ace-learning/producer') }, rules: [LEARNER] },
  { name: "the learner imports the user's refill box", id: 'l5', files: { 'src/my-learner/{ID}.ts': imp('../my-refill/index.js') }, rules: [LEARNER] },
  { name: 'the learner imports an @hakmem package that is not installed', id: 'l6', files: { 'src/my-learner/{ID}.ts': imp('@hakmem/not-installed') }, rules: [LEARNER, UNRESOLVABLE] },
  // the user's refill box (role pool-refill)
  { name: 'the refill box imports @hakmem/arena', id: 'r1', files: { 'src/my-refill/{ID}.ts': imp('@hakmem/arena') }, rules: [REFILL] },
  { name: 'the refill box imports the main entry of @hakmem/ace-learning', id: 'r2', files: { 'src/my-refill/{ID}.ts': imp('@hakmem/ace-learning') }, rules: [REFILL] },
  { name: 'the refill box imports @hakmem/pool-diagnostics', id: 'r3', files: { 'src/my-refill/{ID}.ts': imp('@hakmem/pool-diagnostics') }, rules: [REFILL] },
  { name: 'the refill box imports @hakmem/arena/stats', id: 'r4', files: { 'src/my-refill/{ID}.ts': imp('@hakmem/arena/stats') }, rules: [REFILL] },
  { name: "the refill box imports the user's learner's main entry (not its producer)", id: 'r5', files: { 'src/my-refill/{ID}.ts': imp('../my-learner/index.js') }, rules: [REFILL] },
  { name: "the refill box imports the user's stats box", id: 'r6', files: { 'src/my-refill/{ID}.ts': imp('../my-stats/index.js') }, rules: [REFILL] },
  // the user's stats box (role pool-diagnostics)
  { name: 'the stats box imports the main entry of @hakmem/pool-tls', id: 's1', files: { 'src/my-stats/{ID}.ts': imp('@hakmem/pool-tls') }, rules: [STATS] },
  { name: 'the stats box imports the umbrella', id: 's2', files: { 'src/my-stats/{ID}.ts': imp('hakmem') }, rules: [STATS] },
  { name: "the stats box imports the user's learner's producer", id: 's3', files: { 'src/my-stats/{ID}.ts': imp('../my-learner/producer.js') }, rules: [STATS] },
  // deep imports, by name
  { name: "deep import '@hakmem/pool-tls/src/cache' (wiring code)", id: 'd1', files: { 'src/{ID}.ts': imp('@hakmem/pool-tls/src/cache') }, rules: [DEEP, UNRESOLVABLE] },
  { name: "deep import 'hakmem/dist/index.js' (wiring code)", id: 'd2', files: { 'src/{ID}.ts': imp('hakmem/dist/index.js') }, rules: [DEEP, UNRESOLVABLE] },
  { name: "deep import '@hakmem/pool-tls/dist/chain.js' from the refill box", id: 'd3', files: { 'src/my-refill/{ID}.ts': imp('@hakmem/pool-tls/dist/chain.js') }, rules: [DEEP, UNRESOLVABLE, REFILL] },
  // cycles
  { name: 'a cycle (wiring code)', id: 'c1', files: cycle('src'), rules: [CYCLE] },
  { name: 'a type-only cycle inside the learner', id: 'c2', files: cycle('src/my-learner', true), rules: [CYCLE] },
  // anything else
  { name: 'an import that does not resolve', id: 'u1', files: { 'src/{ID}.ts': imp('./no-such-file.js') }, rules: [UNRESOLVABLE] },
];

async function plant(dir: string, s: Scenario): Promise<void> {
  for (const [file, text] of Object.entries(s.files)) {
    await put(dir, file.replaceAll('{ID}', `planted-${s.id}`), text.replaceAll('{ID}', `planted-${s.id}`));
  }
}

let plantedRun: Promise<Cruise> | undefined;
/** One copy of the project with every violation planted, cruised once (memoized). */
function planted(): Promise<Cruise> {
  plantedRun ??= (async () => {
    const dir = await copyOfProject();
    for (const s of violations) await plant(dir, s);
    return depcruise(dir);
  })();
  return plantedRun;
}

/** The violations reported from (or, for a cycle, through) the files of scenario `s`. */
function reportedFrom(r: Cruise, s: Scenario): Violation[] {
  const mark = new RegExp(`/planted-${s.id}(?:-[ab])?\\.ts$`);
  return r.violations.filter((v) => mark.test(v.from) || (v.cycle ?? []).some((c) => mark.test(c.name)));
}

if (new Set(violations.map((s) => s.id)).size !== violations.length) throw new Error('scenario ids must be unique');

/* ---------------------------------------------------------------------------------- tests */

const asArray = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
const matches = (patterns: string | readonly string[] | undefined, path: string) => asArray(patterns).some((p) => new RegExp(p).test(path));
/** Whether `rule` lets its box import the module at `path` (a resolved path or a bare name). */
const allows = (rule: Rule, path: string) => !matches(rule.to.path as string[], path) || matches(rule.to.pathNot as string[], path);

async function exportsOf(role: Role): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'packages', role, 'package.json'), 'utf8'));
  return Object.keys(manifest.exports).filter((sub) => sub !== './package.json');
}

describe('the table of Contract D (contract-d.cjs)', () => {
  it("matches the packages: each role's package name, and every entry it allows is in that package's exports map", async () => {
    for (const role of roles) {
      const r = ROLES[role];
      const manifest = JSON.parse(await readFile(join(ROOT, 'packages', role, 'package.json'), 'utf8'));
      expect(manifest.name, role).toBe(r.package);
      if (r.mayImport === '*') continue;
      for (const a of r.mayImport) expect(await exportsOf(a.role), `${role} may import ${a.role} ${a.entry}`).toContain(a.entry);
    }
  });

  it('is the one table: our box and a user box in the same role may import exactly the same entries of every package', async () => {
    expect(ROLES).toBe(table);
    const repo = new Map((repoConfig.forbidden ?? []).map((r) => [r.name, r]));
    let checked = 0;
    for (const role of roles) {
      const r = ROLES[role];
      const [mine, ...more] = contractD({ boxes: { mine: { role, path: '^src/mine/' } } });
      if (r.mayImport === '*') {
        expect(mine, `${role}: the umbrella role needs no rule`).toBeUndefined();
        continue;
      }
      expect(more).toEqual([]);
      const ours = repo.get(`${role}-${r.rule}`);
      expect(ours, `the repository has the rule ${role}-${r.rule}`).toBeDefined();
      expect(mine!.name).toBe(`mine-${r.rule}`);
      const inTable = new Set(r.mayImport.map((a) => `${a.role} ${a.entry}`));
      // every public entry of every other package: by name, and resolved (packages/ here, node_modules for users)
      for (const other of roles.filter((o) => o !== role)) {
        for (const sub of await exportsOf(other)) {
          const name = ROLES[other].package;
          const spec = sub === '.' ? name : `${name}/${sub.slice(2)}`;
          const file = sub === '.' ? 'index' : sub.slice(2);
          const want = inTable.has(`${other} ${sub}`);
          const at = `${role} -> ${spec}`;
          expect(allows(ours!, spec), `${at} (repository, by name)`).toBe(want);
          expect(allows(ours!, `packages/${other}/src/${file}.ts`), `${at} (repository, resolved)`).toBe(want);
          expect(allows(mine!, spec), `${at} (user, by name)`).toBe(want);
          expect(allows(mine!, `node_modules/${name}/dist/${file}.js`), `${at} (user, resolved)`).toBe(want);
          expect(allows(mine!, `node_modules/${name}/dist/${file}.d.ts`), `${at} (user, resolved to types)`).toBe(want);
          checked++;
        }
      }
      // nothing of ours that is not an entry: a deep file of a package
      expect(allows(mine!, 'node_modules/@hakmem/pool-tls/dist/cache.js'), `${role} -> a deep file`).toBe(false);
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('shares the rules that are the same for both: deep imports, cycles, unresolvable imports', () => {
    const repo = new Map((repoConfig.forbidden ?? []).map((r) => [r.name, r]));
    const names = (preset.forbidden ?? []).map((r) => r.name);
    expect(names).toEqual(['no-deep-import-into-package-src', 'not-to-unresolvable', 'no-circular']);
    for (const rule of preset.forbidden ?? []) {
      expect(rule.to, rule.name).toEqual(repo.get(rule.name)?.to);
      expect(rule.severity, rule.name).toBe('error');
    }
  });

  it('contractD() refuses what it cannot check: an unknown role, a path that is not a folder, a name that cannot name a rule', () => {
    type Options = Parameters<typeof contractD>[0];
    expect(() => contractD({ boxes: { x: { role: 'learner', path: '^src/x/' } } } as unknown as Options)).toThrow(/unknown Contract D role 'learner'/);
    expect(() => contractD({ boxes: { x: { role: 'ace-learning', path: '^src/x' } } })).toThrow(/ending in '\/'/);
    expect(() => contractD({ boxes: { 'my box': { role: 'ace-learning', path: '^src/x/' } } })).toThrow(/box name/);
    expect(() => contractD({} as Options)).toThrow(/expected \{ boxes/);
  });
});

describe.concurrent('the preset in a user project (packed, installed with npm --offline, outside the workspace)', () => {
  it('installs from the tarballs alone: every @hakmem package and hakmem resolved from a file: tarball, once', async () => {
    const { dir, tarballs } = await project();
    expect(tarballs).toHaveLength(PACKAGE_DIRS.length);
    const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8'));
    const installed = Object.entries<{ resolved?: string }>(lock.packages).filter(([k]) => k !== '');
    const names = installed.map(([k]) => k).sort();
    expect(names).toEqual([...roles.map((r) => ROLES[r].package), '@hakmem/boundaries'].map((n) => `node_modules/${n}`).sort());
    for (const [k, v] of installed) expect(v.resolved, k).toMatch(/^file:.*\.tgz$/);
    // the published preset holds what "files" lists (CHANGELOG.md once changesets writes it), nothing else
    const manifest = JSON.parse(await readFile(join(PKG, 'package.json'), 'utf8')) as { files: string[] };
    const want = ['package.json', 'LICENSE'];
    for (const f of manifest.files) if (await exists(join(PKG, f))) want.push(f);
    expect(manifest.files.filter((f) => f.endsWith('.cjs')).sort()).toEqual(['contract-d.cjs', 'dependency-cruiser.cjs', 'preset.cjs', 'rules.cjs']);
    expect((await readdir(join(dir, 'node_modules/@hakmem/boundaries'))).sort()).toEqual(want.sort());
  });

  it('passes on the clean user tree, with the README example as the config (the preset and the user boxes loaded)', async () => {
    const r = await depcruise((await project()).dir);
    expect(r.violations, r.out).toEqual([]);
    expect(r.errors, r.out).toBe(0);
    expect(r.code, r.out).toBe(0);
    expect(r.text).toMatch(/no dependency violations found/);
    expect(r.rules.sort()).toEqual([CYCLE, DEEP, LEARNER, REFILL, STATS, UNRESOLVABLE].sort());
    // every user file was cruised, and every import resolved: ours into node_modules
    const sources = r.modules.map((m) => m.source);
    for (const file of Object.keys(CLEAN)) expect(sources).toContain(file);
    const deps = r.modules.flatMap((m) => m.dependencies);
    for (const d of deps) expect(d.couldNotResolve, d.module).toBe(false);
    const refill = r.modules.find((m) => m.source === 'src/my-refill/index.ts')!;
    expect([...new Set(refill.dependencies.map((d) => d.resolved))].sort()).toEqual(
      [
        'node_modules/@hakmem/ace-learning/dist/producer.d.ts',
        'node_modules/@hakmem/pool-tls/dist/chain.d.ts',
        'node_modules/@hakmem/pool-tls/dist/index.d.ts',
        'src/my-learner/producer.ts',
      ].sort(),
    );
  });

  it('fails on the copy planted with the violations, and reports nothing from the clean files', async () => {
    const r = await planted();
    // the CLI exits with the number of errors; every one is printed under its rule's name
    expect(r.violations.length).toBeGreaterThanOrEqual(violations.length);
    expect(r.errors, r.out).toBe(r.violations.length);
    expect(r.code, r.out).toBe(r.errors);
    for (const v of r.violations) {
      expect(r.text).toContain(`error ${v.rule.name}: ${v.from} →`);
      expect(`${v.from} ${(v.cycle ?? []).map((c) => c.name)}`, r.out).toMatch(/planted-/);
    }
  });

  for (const s of violations) {
    it(`${s.name}: ${s.rules.join(', ')}`, async () => {
      const r = await planted();
      const got = [...new Set(reportedFrom(r, s).map((v) => v.rule.name))].sort();
      expect(got, r.out).toEqual([...new Set(s.rules)].sort());
    });
  }

  it("one violation alone (the user's learner imports @hakmem/pool-tls) fails the check, and the output names the rule", async () => {
    const dir = await copyOfProject();
    await plant(dir, violations[0]!);
    const r = await depcruise(dir);
    expect(r.code, r.out).toBe(1);
    expect(r.violations.map((v) => `${v.rule.name} ${v.from} ${v.to}`), r.out).toEqual([
      `${LEARNER} src/my-learner/planted-l1.ts node_modules/@hakmem/pool-tls/dist/index.d.ts`,
    ]);
    expect(r.text).toContain(`error ${LEARNER}: src/my-learner/planted-l1.ts → node_modules/@hakmem/pool-tls/dist/index.d.ts`);
    expect(r.text).toMatch(/1 dependency violations \(1 errors, 0 warnings\)/);
  });
});
