/**
 * Contract D, proven both ways: the real tree passes `pnpm check:boundaries`, and every kind of
 * violation planted in a temporary copy of the tree makes the very same command (the root
 * package.json script, run by a shell with node_modules/.bin on the PATH) fail, naming the rule
 * that caught it. A rule that cannot fail is worth nothing (TOOLCHAIN.md).
 *
 * A copy holds package.json + src of every package, the config, the root manifest, and the
 * node_modules links pnpm makes: packages/<pkg>/node_modules/<dep> -> the package for each declared
 * workspace dependency, and the root node_modules (vitest, fast-check, ...). Nothing is built.
 *
 * Each violation is planted both WITHOUT the dependency declared (the import does not resolve; the
 * rule must match the bare name) and WITH it declared and linked (the import resolves to
 * packages/<dir>/src/...; the rule must match the path). dependency-cruiser costs ~1 s of CPU to
 * start, so the violations share a few copies: every planted file has a unique name, and each
 * test checks the rules reported FROM its own file (exactly those, no more, no fewer). A handful
 * are also planted alone in a copy of their own, to show that one violation alone fails the check.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'node_modules/.bin');

/* ------------------------------------------------------------------------ running the check */

interface Violation {
  rule: string;
  /** the module the violation is reported from */
  from: string;
  /** the whole record (a cycle spans several lines) */
  text: string;
}

interface Run {
  code: number;
  out: string;
  violations: Violation[];
  modules: number;
}

/** Parse the "err" output of depcruise: `  error <rule>: <from> → <to>` (+ continuation lines). */
function parse(out: string): Violation[] {
  const list: Violation[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(?:error|warn|info) ([\w-]+): (\S+) →/.exec(line);
    if (m) list.push({ rule: m[1]!, from: m[2]!, text: line });
    else if (list.length > 0 && /^\s+\S.*(?:→)?$/.test(line) && !/violations? found|cruised/.test(line)) {
      list[list.length - 1]!.text += `\n${line}`;
    }
  }
  return list;
}

let scriptText: Promise<string> | undefined;
function rootScript(): Promise<string> {
  scriptText ??= readFile(join(ROOT, 'package.json'), 'utf8').then((text) => {
    const script: string | undefined = JSON.parse(text).scripts?.['check:boundaries'];
    if (!script) throw new Error('root package.json has no check:boundaries script');
    return script;
  });
  return scriptText;
}

/** Run the root `check:boundaries` script (or `script`) in `cwd`, as pnpm would. */
async function check(cwd: string, script?: string): Promise<Run> {
  script ??= await rootScript();
  return new Promise((done) => {
    execFile(
      'sh',
      ['-c', script],
      {
        cwd,
        env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, NO_COLOR: '1', FORCE_COLOR: '0' },
        maxBuffer: 16 << 20,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        const out = `${stdout}\n${stderr}`;
        const modules = Number(/(\d+) modules, \d+ dependencies cruised/.exec(out)?.[1] ?? -1);
        done({ code, out, violations: parse(out), modules });
      },
    );
  });
}

/* ------------------------------------------------------------------------- temporary trees */

const trees: string[] = [];
afterAll(async () => {
  await Promise.all(trees.map((t) => rm(t, { recursive: true, force: true })));
});

const exists = (p: string) => stat(p).then(() => true, () => false);

/** The workspace packages of a tree: package name -> directory (absolute). */
async function workspace(tree: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const dir of await readdir(join(tree, 'packages'))) {
    const file = join(tree, 'packages', dir, 'package.json');
    if (await exists(file)) map.set(JSON.parse(await readFile(file, 'utf8')).name, join(tree, 'packages', dir));
  }
  return map;
}

/** Link `dep` into `pkgDir`/node_modules the way pnpm does (a relative symlink). */
async function link(pkgDir: string, dep: string, target: string): Promise<void> {
  const at = join(pkgDir, 'node_modules', dep);
  await mkdir(dirname(at), { recursive: true });
  await rm(at, { recursive: true, force: true });
  await symlink(relative(dirname(at), target), at);
}

/** A fresh copy of the real tree. */
async function makeTree(): Promise<string> {
  const tree = await realpath(await mkdtemp(join(tmpdir(), 'hakmem-boundaries-')));
  trees.push(tree);
  await cp(join(ROOT, 'package.json'), join(tree, 'package.json'));
  // the config and every file it requires (rules.cjs, contract-d.cjs, ...)
  for (const f of (await readdir(join(ROOT, 'tools/boundaries'))).filter((f) => f === 'package.json' || f.endsWith('.cjs'))) {
    await cp(join(ROOT, 'tools/boundaries', f), join(tree, 'tools/boundaries', f));
  }
  for (const dir of await readdir(join(ROOT, 'packages'))) {
    const from = join(ROOT, 'packages', dir);
    if (!(await exists(join(from, 'package.json')))) continue;
    await cp(join(from, 'package.json'), join(tree, 'packages', dir, 'package.json'));
    if (await exists(join(from, 'src'))) {
      await cp(join(from, 'src'), join(tree, 'packages', dir, 'src'), { recursive: true });
    }
  }
  // npm packages resolve from the root node_modules, as in the real tree (which holds no @hakmem/*
  // link: pnpm links workspace dependencies into each package's own node_modules, done below).
  await symlink(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  const ws = await workspace(tree);
  for (const [, dir] of ws) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    for (const deps of [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies]) {
      for (const [name, range] of Object.entries<string>(deps ?? {})) {
        if (range.startsWith('workspace:') && ws.has(name)) await link(dir, name, ws.get(name)!);
      }
    }
  }
  return tree;
}

async function put(tree: string, file: string, text: string): Promise<void> {
  await mkdir(dirname(join(tree, file)), { recursive: true });
  await writeFile(join(tree, file), text);
}

async function editJson(tree: string, file: string, edit: (json: any) => void): Promise<void> {
  const json = JSON.parse(await readFile(join(tree, file), 'utf8'));
  edit(json);
  await writeFile(join(tree, file), JSON.stringify(json, null, 2));
}

/** Declare `dep` in packages/<dir>/package.json and link it, as `pnpm add` would. */
async function declare(tree: string, dir: string, dep: string): Promise<void> {
  const ws = await workspace(tree);
  const target = ws.get(dep) ?? (await realpath(join(ROOT, 'node_modules', dep)));
  await editJson(tree, `packages/${dir}/package.json`, (j) => {
    j.dependencies = { ...j.dependencies, [dep]: ws.has(dep) ? 'workspace:^' : '*' };
  });
  await link(join(tree, 'packages', dir), dep, target);
}

const exp = (file: string) => ({
  source: `./src/${file}.ts`,
  types: `./dist/${file}.d.ts`,
  import: `./dist/${file}.js`,
  default: `./dist/${file}.js`,
});

/** A minimal package (for those that do not exist yet): `entries` maps subpath -> src file. */
async function addPackage(tree: string, dir: string, name: string, entries: Record<string, string>): Promise<void> {
  const exports: Record<string, unknown> = {};
  for (const [sub, file] of Object.entries(entries)) {
    exports[sub] = exp(file);
    await put(tree, `packages/${dir}/src/${file}.ts`, `export const ${file} = 1;\n`);
  }
  const manifest = { name, version: '0.1.0', private: true, type: 'module', exports };
  await put(tree, `packages/${dir}/package.json`, JSON.stringify(manifest, null, 2));
}

const aceLearning = (tree: string) =>
  addPackage(tree, 'ace-learning', '@hakmem/ace-learning', { '.': 'index', './producer': 'producer', './stats': 'stats' });
const poolDiagnostics = (tree: string) => addPackage(tree, 'pool-diagnostics', '@hakmem/pool-diagnostics', { '.': 'index' });
const poolExtra = (tree: string) => addPackage(tree, 'pool-extra', '@hakmem/pool-extra', { '.': 'index' });

/** Give an existing box a `./stats` entry (src/stats.ts), in the copy only. */
async function statsEntry(tree: string, dir: string): Promise<void> {
  await editJson(tree, `packages/${dir}/package.json`, (j) => {
    j.exports['./stats'] = exp('stats');
  });
  if (!(await exists(join(tree, 'packages', dir, 'src/stats.ts')))) {
    await put(tree, `packages/${dir}/src/stats.ts`, 'export const stats = 1;\n');
  }
}

/* ------------------------------------------------------------------------------ the rules */

const POOL_TLS = 'pool-tls-imports-nothing-of-ours';
const ARENA = 'arena-imports-nothing-of-ours';
const ACE = 'ace-learning-imports-nothing-of-ours';
const REFILL = 'pool-refill-imports-only-pool-tls-and-ace-producer';
const DIAG = 'pool-diagnostics-imports-only-stats-entries';
const ONLY_UMBRELLA = 'only-the-umbrella-imports-pool-diagnostics';
const UNLISTED = 'unlisted-package-imports-nothing-of-ours';
const TOOLS = 'packages-never-import-tools';
const RELATIVE = 'no-relative-import-into-another-package';
const DEEP = 'no-deep-import-into-package-src';
const CYCLE = 'no-circular';
const RUNTIME = 'no-runtime-deps-outside-the-project';
const UNRESOLVABLE = 'not-to-unresolvable';
const NO_PKG = 'no-non-package-json';

/* ------------------------------------------------------------------------------ scenarios */

interface Scenario {
  name: string;
  /** unique; the planted files are named planted-<id>... */
  id: string;
  /** which shared copy it is planted in: undeclared deps, or declared (and linked) deps */
  copy: 'undeclared' | 'declared';
  /** plant the violation; `file` is the name to give the planted module (packages/<dir>/src/<file>) */
  plant: (tree: string, file: string) => Promise<void>;
  /** exactly the rules reported from the planted module(s) */
  rules: string[];
  /** also plant it alone in a copy of its own, and check that the command fails */
  alone?: boolean;
}

const imp = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;
const typeImp = (spec: string) => `import type { X } from '${spec}';\nexport type Y = X;\n`;

let n = 0;
/** box `dir` imports `spec` (of workspace package `dep`): two scenarios, WITHOUT and WITH `dep` declared. */
function both(
  label: string,
  dir: string,
  spec: string,
  dep: string,
  rules: string[],
  { setup = async () => {}, text = imp(spec), alone = false }: { setup?: (tree: string) => Promise<void>; text?: string; alone?: boolean } = {},
): Scenario[] {
  const id = `${++n}`;
  return [
    {
      name: `${label} (not declared)`,
      id: `${id}u`,
      copy: 'undeclared',
      rules: [...rules, UNRESOLVABLE],
      alone,
      plant: async (t, file) => {
        await setup(t);
        await put(t, `packages/${dir}/src/${file}.ts`, text);
      },
    },
    {
      name: `${label} (declared)`,
      id: `${id}d`,
      copy: 'declared',
      rules,
      alone,
      plant: async (t, file) => {
        await setup(t);
        await declare(t, dir, dep);
        await put(t, `packages/${dir}/src/${file}.ts`, text);
      },
    },
  ];
}

/** one scenario: `dir` gets a module with `text` */
function one(name: string, id: string, copy: Scenario['copy'], dir: string, text: string, rules: string[], more: Partial<Scenario> = {}): Scenario {
  return { name, id, copy, rules, plant: (t, file) => put(t, `packages/${dir}/src/${file}.ts`, text), ...more };
}

const violations: Scenario[] = [
  // the table
  ...both('pool-tls imports pool-refill', 'pool-tls', '@hakmem/pool-refill', '@hakmem/pool-refill', [POOL_TLS], { alone: true }),
  ...both('pool-tls imports the umbrella', 'pool-tls', 'hakmem', 'hakmem', [POOL_TLS]),
  ...both('pool-tls: type-only import of pool-refill', 'pool-tls', '@hakmem/pool-refill', '@hakmem/pool-refill', [POOL_TLS], {
    text: typeImp('@hakmem/pool-refill'),
    alone: true,
  }),
  ...both('arena imports pool-tls', 'arena', '@hakmem/pool-tls', '@hakmem/pool-tls', [ARENA]),
  ...both('arena: type-only import of pool-tls', 'arena', '@hakmem/pool-tls', '@hakmem/pool-tls', [ARENA], {
    text: typeImp('@hakmem/pool-tls'),
  }),
  ...both('ace-learning imports pool-tls', 'ace-learning', '@hakmem/pool-tls', '@hakmem/pool-tls', [ACE], { setup: aceLearning }),
  // pool-refill declares ace-learning (it uses its producer entry), so these are declared only
  ...both('pool-refill imports the ace-learning main entry', 'pool-refill', '@hakmem/ace-learning', '@hakmem/ace-learning', [REFILL], {
    setup: aceLearning,
  }).filter((s) => s.copy === 'declared'),
  ...both('pool-refill imports @hakmem/ace-learning/stats', 'pool-refill', '@hakmem/ace-learning/stats', '@hakmem/ace-learning', [REFILL], {
    setup: aceLearning,
  }).filter((s) => s.copy === 'declared'),
  ...both('pool-refill imports arena', 'pool-refill', '@hakmem/arena', '@hakmem/arena', [REFILL]),
  ...both('pool-refill imports the umbrella', 'pool-refill', 'hakmem', 'hakmem', [REFILL]),
  // pool-diagnostics declares @hakmem/pool-tls (for its ./stats entry): only the declared form exists
  ...both('pool-diagnostics imports the pool-tls main entry', 'pool-diagnostics', '@hakmem/pool-tls', '@hakmem/pool-tls', [DIAG], {
    setup: poolDiagnostics,
  }).filter((s) => s.copy === 'declared'),
  ...both('pool-diagnostics imports @hakmem/pool-tls/chain', 'pool-diagnostics', '@hakmem/pool-tls/chain', '@hakmem/pool-tls', [DIAG], {
    setup: poolDiagnostics,
  }).filter((s) => s.copy === 'declared'),
  ...both('pool-diagnostics imports the umbrella', 'pool-diagnostics', 'hakmem', 'hakmem', [DIAG], { setup: poolDiagnostics }),
  ...both('pool-refill imports pool-diagnostics', 'pool-refill', '@hakmem/pool-diagnostics', '@hakmem/pool-diagnostics', [ONLY_UMBRELLA, REFILL], {
    setup: poolDiagnostics,
  }),
  ...both('arena imports pool-diagnostics', 'arena', '@hakmem/pool-diagnostics', '@hakmem/pool-diagnostics', [ONLY_UMBRELLA, ARENA], {
    setup: poolDiagnostics,
  }),
  ...both('a package not in the table imports pool-tls', 'pool-extra', '@hakmem/pool-tls', '@hakmem/pool-tls', [UNLISTED], {
    setup: poolExtra,
  }),

  // only through a package's name and its exports map
  one('deep import: relative path into another package (pool-refill -> ../../pool-tls/src/cache.js)', 'rel1', 'undeclared', 'pool-refill', imp('../../pool-tls/src/cache.js'), [RELATIVE, REFILL]),
  one("deep import: relative path to another package's entry file (umbrella -> ../../pool-tls/src/index.js)", 'rel2', 'undeclared', 'hakmem', imp('../../pool-tls/src/index.js'), [RELATIVE]),
  one('deep import: @hakmem/pool-tls/src/cache by name, from the umbrella (declared)', 'deep1', 'undeclared', 'hakmem', imp('@hakmem/pool-tls/src/cache'), [DEEP, UNRESOLVABLE], { alone: true }),
  one('deep import: @hakmem/pool-tls/src/cache.js by name, from pool-refill (declared)', 'deep2', 'undeclared', 'pool-refill', imp('@hakmem/pool-tls/src/cache.js'), [DEEP, REFILL, UNRESOLVABLE]),
  one('deep import: @hakmem/ace-learning/src/producer by name, from the umbrella (not declared)', 'deep3', 'undeclared', 'hakmem', imp('@hakmem/ace-learning/src/producer'), [DEEP, UNRESOLVABLE], {
    plant: async (t, file) => {
      await aceLearning(t);
      await put(t, `packages/hakmem/src/${file}.ts`, imp('@hakmem/ace-learning/src/producer'));
    },
  }),
  one('deep import: @hakmem/pool-tls/dist/index.js by name, from the umbrella (declared)', 'deep4', 'undeclared', 'hakmem', imp('@hakmem/pool-tls/dist/index.js'), [DEEP, UNRESOLVABLE]),

  // cycles
  {
    name: 'cycle within a package',
    id: 'cyc1',
    copy: 'undeclared',
    rules: [CYCLE],
    plant: async (t, file) => {
      await put(t, `packages/pool-tls/src/${file}-a.ts`, `import { b } from './${file}-b.js';\nexport const a = () => b;\n`);
      await put(t, `packages/pool-tls/src/${file}-b.ts`, `import { a } from './${file}-a.js';\nexport const b = () => a;\n`);
    },
  },
  {
    name: 'type-only cycle within a package',
    id: 'cyc2',
    copy: 'undeclared',
    rules: [CYCLE],
    plant: async (t, file) => {
      await put(t, `packages/arena/src/${file}-a.ts`, `import type { B } from './${file}-b.js';\nexport interface A { b: B }\n`);
      await put(t, `packages/arena/src/${file}-b.ts`, `import type { A } from './${file}-a.js';\nexport interface B { a: A }\n`);
    },
  },
  {
    name: 'cycle between packages (pool-tls -> pool-refill -> pool-tls, declared)',
    id: 'cyc3',
    copy: 'declared',
    rules: [CYCLE, POOL_TLS],
    plant: async (t, file) => {
      await declare(t, 'pool-tls', '@hakmem/pool-refill');
      await put(t, `packages/pool-tls/src/${file}.ts`, imp('@hakmem/pool-refill'));
      // reached from pool-tls's main entry, which pool-refill imports: a cycle across packages
      const index = join(t, 'packages/pool-tls/src/index.ts');
      await writeFile(index, `${await readFile(index, 'utf8')}export * from './${file}.js';\n`);
    },
  },

  // no runtime dependencies outside the project
  one('runtime import of an npm package from src (fast-check; a root devDependency, not declared by the package)', 'npm1', 'undeclared', 'pool-tls', imp('fast-check'), [RUNTIME], { alone: true }),
  {
    name: 'runtime import of an npm package from src (fast-check, declared in the dependencies of the package)',
    id: 'npm2',
    copy: 'declared',
    rules: [RUNTIME],
    plant: async (t, file) => {
      await declare(t, 'pool-tls', 'fast-check');
      await put(t, `packages/pool-tls/src/${file}.ts`, imp('fast-check'));
    },
  },
  one('runtime import of an npm package that is not installed', 'npm3', 'undeclared', 'arena', imp('left-pad'), [RUNTIME, UNRESOLVABLE]),
  one('type-only import of an npm package from src', 'npm4', 'undeclared', 'pool-refill', "import type { Arbitrary } from 'fast-check';\nexport type A = Arbitrary<number>;\n", [RUNTIME]),
  one('dynamic import of an npm package from src', 'npm5', 'undeclared', 'arena', "export const load = () => import('fast-check');\n", [RUNTIME]),

  // the rest
  one('a package imports from tools/', 'tools1', 'undeclared', 'pool-tls', "import r from '../../../tools/boundaries/rules.cjs';\nexport const y = r;\n", [TOOLS, RELATIVE]),
  one('an import that does not resolve', 'unres1', 'undeclared', 'pool-tls', imp('./no-such-file.js'), [UNRESOLVABLE]),
  {
    name: 'an npm package resolved from node_modules but declared in no package.json',
    id: 'nopkg1',
    copy: 'undeclared',
    rules: [NO_PKG],
    plant: async (t, file) => {
      await put(t, 'tools/stray-user/node_modules/stray/package.json', JSON.stringify({ name: 'stray', version: '1.0.0', main: 'index.js' }));
      await put(t, 'tools/stray-user/node_modules/stray/index.js', 'module.exports = 1;\n');
      await put(t, 'tools/stray-user/package.json', JSON.stringify({ name: '@hakmem/stray-user', private: true }));
      await put(t, `tools/stray-user/${file}.mjs`, "import s from 'stray';\nexport default s;\n");
    },
  },
];

/** Allowed imports, all planted in one copy: the command must pass. */
async function plantAllowed(t: string): Promise<number> {
  let files = 0;
  const plant = async (file: string, text: string) => {
    await put(t, file, text);
    files++;
  };
  await aceLearning(t);
  await poolDiagnostics(t);
  // pool-refill: what it imports today, pool-tls's public entry (a type-only import too) and its
  // chain installer (it takes the learner as an interface: no ace-learning import)
  await plant(
    'packages/pool-refill/src/planted-ok.ts',
    "import { installChain, takeChain } from '@hakmem/pool-tls/chain';\nimport type { CacheBase } from '@hakmem/pool-tls';\n" +
      "import { defaultClassSizes } from '@hakmem/pool-tls';\n" +
      'export const y = [installChain, takeChain, defaultClassSizes] as const;\nexport type C = CacheBase;\n',
  );
  // pool-diagnostics: the ./stats entries of the three boxes that have one (added to the copies of the manifests)
  const boxes = ['pool-refill', 'ace-learning', 'arena'];
  for (const box of ['pool-refill', 'arena']) await statsEntry(t, box);
  for (const box of boxes) await declare(t, 'pool-diagnostics', `@hakmem/${box}`);
  await plant(
    'packages/pool-diagnostics/src/planted-ok.ts',
    boxes.map((b, i) => `import * as s${i} from '@hakmem/${b}/stats';\n`).join('') + `export const all = [${boxes.map((_, i) => `s${i}`)}];\n`,
  );
  // the umbrella: everything, through the exports maps
  const specs = [
    '@hakmem/pool-tls',
    '@hakmem/pool-tls/chain',
    '@hakmem/pool-refill',
    '@hakmem/arena',
    '@hakmem/ace-learning',
    '@hakmem/ace-learning/producer',
    '@hakmem/ace-learning/stats',
    '@hakmem/pool-diagnostics',
  ];
  for (const dep of ['@hakmem/ace-learning', '@hakmem/pool-diagnostics']) await declare(t, 'hakmem', dep);
  await plant(
    'packages/hakmem/src/planted-ok.ts',
    specs.map((s, i) => `import * as m${i} from '${s}';\n`).join('') + `export const all = [${specs.map((_, i) => `m${i}`)}];\n`,
  );
  // test files may import devDependencies; src may import node: builtins (also type-only)
  await plant('packages/pool-tls/src/planted-ok.test.ts', "import { it } from 'vitest';\nimport fc from 'fast-check';\nit('x', () => void fc);\n");
  await plant('packages/pool-tls/src/test/planted-ok-helper.ts', "import fc from 'fast-check';\nexport const h = fc;\n");
  await plant('packages/pool-tls/test/planted-ok.test.ts', "import { expect } from 'vitest';\nimport { defaultClassSizes } from '@hakmem/pool-tls';\nexport const e = [expect, defaultClassSizes];\n");
  await plant('packages/arena/src/planted-ok.ts', "import { cpus } from 'node:os';\nimport type { Worker } from 'node:worker_threads';\nexport const n = cpus().length;\nexport type W = Worker;\n");
  // tools may use any public entry, and devDependencies
  await plant('tools/planted-ok/bench.mjs', "import { createHeap } from 'hakmem';\nimport fc from 'fast-check';\nexport const y = [createHeap, fc];\n");
  await put(t, 'tools/planted-ok/package.json', JSON.stringify({ name: '@hakmem/planted-ok', private: true, dependencies: { hakmem: 'workspace:*' } }));
  await link(join(t, 'tools/planted-ok'), 'hakmem', join(t, 'packages/hakmem'));
  return files;
}

/* ------------------------------------------------------------------------------- the runs */

const plantedName = (s: Scenario) => `planted-${s.id}`;

/** The shared copies, each planted with all its scenarios, checked once (memoized). */
const shared = new Map<Scenario['copy'], Promise<Run>>();
function sharedRun(copy: Scenario['copy']): Promise<Run> {
  let run = shared.get(copy);
  if (!run) {
    run = (async () => {
      const tree = await makeTree();
      for (const s of violations.filter((v) => v.copy === copy)) await s.plant(tree, plantedName(s));
      return check(tree);
    })();
    shared.set(copy, run);
  }
  return run;
}

/** The violations reported from the module(s) planted by scenario `s`. */
function reportedFrom(run: Run, s: Scenario): Violation[] {
  const mark = new RegExp(`/${plantedName(s)}(?:-[ab])?\\.m?ts$|/${plantedName(s)}\\.mjs$`);
  // dependency-cruiser reports a cycle once, from one of its modules: match the cycle's text
  return run.violations.filter((v) => mark.test(v.from) || (v.rule === CYCLE && v.text.includes(`/${plantedName(s)}`)));
}

const ids = violations.map((s) => s.id);
if (new Set(ids).size !== ids.length) throw new Error('scenario ids must be unique');

describe.concurrent('check:boundaries', () => {
  it('passes on the real tree', async () => {
    const r = await check(ROOT);
    expect(r.violations, r.out).toEqual([]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/no dependency violations found/);
  });

  it('passes on a copy of the real tree (the copies resolve as the real tree does)', async () => {
    const r = await check(await makeTree());
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/no dependency violations found/);
  });

  it('passes with allowed imports planted (pool-refill -> pool-tls, pool-tls/chain; diagnostics -> the stats entries; the umbrella -> everything; tests -> devDependencies)', async () => {
    const [base, tree] = await Promise.all([makeTree().then(check), makeTree()]);
    const planted = await plantAllowed(tree);
    const r = await check(tree);
    expect(r.violations, r.out).toEqual([]);
    expect(r.code, r.out).toBe(0);
    // the planted modules were cruised (+ the minimal ace-learning, pool-diagnostics and stats modules)
    expect(r.modules).toBeGreaterThanOrEqual(base.modules + planted);
  });

  it('can be extended for a box of your own (the example of README.md, verbatim)', async () => {
    const readme = await readFile(join(ROOT, 'tools/boundaries/README.md'), 'utf8');
    const example = /```js\n(\/\/ \.dependency-cruiser\.cjs \(repository root\)\n[^]*?)```/.exec(readme)?.[1];
    expect(example, 'README.md has the example').toBeDefined();
    const tree = await makeTree();
    await put(tree, '.dependency-cruiser.cjs', example!);
    await addPackage(tree, 'pool-trace', '@hakmem/pool-trace', { '.': 'index' });
    await declare(tree, 'pool-trace', '@hakmem/pool-tls');
    await declare(tree, 'pool-trace', '@hakmem/arena');
    await put(tree, 'packages/pool-trace/src/planted-ext.ts', `${imp('@hakmem/pool-tls')}${imp('@hakmem/arena').replace(/\bx\b/g, 'z').replace(/\by\b/g, 'w')}`);
    // the rules extended from still apply
    await put(tree, 'packages/pool-tls/src/planted-ext.ts', imp('@hakmem/pool-refill'));
    const r = await check(tree, 'depcruise --config .dependency-cruiser.cjs packages tools');
    expect(r.code, r.out).not.toBe(0);
    const got = r.violations.map((v) => `${v.rule} ${v.from} ${v.text.split('→ ')[1]?.trim()}`).sort();
    expect(got, r.out).toEqual([
      'not-to-unresolvable packages/pool-tls/src/planted-ext.ts @hakmem/pool-refill',
      'pool-tls-imports-nothing-of-ours packages/pool-tls/src/planted-ext.ts @hakmem/pool-refill',
      'pool-trace-imports-only-pool-tls packages/pool-trace/src/planted-ext.ts packages/arena/src/index.ts',
    ]);
  });

  for (const copy of ['undeclared', 'declared'] as const) {
    it(`fails on the copy planted with the violations (${copy} dependencies), and reports nothing else`, async () => {
      const r = await sharedRun(copy);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toMatch(/\d+ dependency violations \(\d+ errors, 0 warnings\)/);
      // every violation reported comes from, or runs through (a cycle), a planted module
      for (const v of r.violations) expect(v.text, r.out).toMatch(/planted-/);
    });
  }
});

describe.concurrent('a planted violation is reported under its rule', () => {
  for (const s of violations) {
    it(`${s.name}: ${s.rules.join(', ')}`, async () => {
      const r = await sharedRun(s.copy);
      const got = [...new Set(reportedFrom(r, s).map((v) => v.rule))].sort();
      expect(got, r.out).toEqual([...new Set(s.rules)].sort());
    });
  }
});

describe.concurrent('one violation alone fails the check', () => {
  for (const s of violations.filter((v) => v.alone)) {
    it(s.name, async () => {
      const tree = await makeTree();
      await s.plant(tree, plantedName(s));
      const r = await check(tree);
      expect(r.code, r.out).not.toBe(0);
      const got = [...new Set(r.violations.map((v) => v.rule))].sort();
      expect(got, r.out).toEqual([...new Set(s.rules)].sort());
      for (const rule of s.rules) expect(r.out).toContain(`error ${rule}:`);
    });
  }
});
