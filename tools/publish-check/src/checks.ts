/**
 * The publishing rules of hakmem-js, for one package: its package.json, the files on disk (after
 * `pnpm build`) and the files of its real tarball. Every function returns problems as sentences
 * that name the field and the file; an empty list means the package passes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from './workspace.js';

export interface CheckContext {
  /** The repository root (its LICENSE and package.json are the references). */
  root: string;
  /** The package's directory on disk. */
  dir: string;
  /** The package's directory relative to the root (what `repository.directory` must say). */
  rel: string;
  /** Every workspace package by name, and whether it is published. */
  workspace: ReadonlyMap<string, { publishable: boolean }>;
  /** The paths in the package's tarball (`dist/index.js`, ...), without the `package/` prefix. */
  packed: ReadonlySet<string>;
  /** Reads a file of the tarball (LICENSE), or undefined when it is not there. */
  packedText(path: string): string | undefined;
}

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: Json): v is string => typeof v === 'string' && v.trim() !== '';
const isStringArray = (v: Json): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isNonEmptyString);

/** semver.org's regular expression for a version. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** npm's rules for a new package name. */
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const CODE = /\.[cm]?js$/;
const DECLARATION = /\.d\.[cm]?ts$/;

/** The fields every published package must have, and their shapes. */
export function checkFields(m: Manifest, ctx: CheckContext): string[] {
  const p: string[] = [];
  const rootPkg = JSON.parse(readFileSync(join(ctx.root, 'package.json'), 'utf8')) as Manifest;
  if (!isNonEmptyString(m.name) || !NPM_NAME.test(m.name) || m.name.length > 214) {
    p.push(`name: ${JSON.stringify(m.name)} is not a valid npm package name`);
  }
  if (typeof m.version !== 'string' || !SEMVER.test(m.version)) {
    p.push(`version: ${JSON.stringify(m.version)} is not a semver version`);
  }
  if (!isNonEmptyString(m.description)) p.push('description: missing (npm search shows it)');
  // The root LICENSE is the MIT licence; every package says so and ships a copy (checkShippedDocs).
  if (m.license !== 'MIT') p.push(`license: ${JSON.stringify(m.license)}, expected "MIT" (the root LICENSE)`);
  const repo = m.repository;
  if (!isObject(repo)) {
    p.push('repository: missing, expected { "type": "git", "url": "git+https://....git", "directory": "' + ctx.rel + '" }');
  } else {
    if (repo.type !== 'git') p.push(`repository.type: ${JSON.stringify(repo.type)}, expected "git"`);
    if (typeof repo.url !== 'string' || !/^git\+https:\/\/\S+\.git$/.test(repo.url)) {
      p.push(`repository.url: ${JSON.stringify(repo.url)}, expected a full git URL "git+https://<host>/<owner>/<repo>.git"`);
    }
    if (repo.directory !== ctx.rel) {
      p.push(`repository.directory: ${JSON.stringify(repo.directory)}, expected "${ctx.rel}" (the package's path in the repository)`);
    }
  }
  const se = m.sideEffects;
  if (typeof se !== 'boolean' && !(Array.isArray(se) && se.every(isNonEmptyString))) {
    p.push('sideEffects: missing (false, or the list of files with side effects), bundlers need it to tree-shake');
  }
  const engines = m.engines;
  const want = isObject(rootPkg.engines) ? rootPkg.engines.node : undefined;
  if (!isObject(engines) || !isNonEmptyString(engines.node)) {
    p.push(`engines.node: missing${want ? `, expected ${JSON.stringify(want)} (the root's)` : ''}`);
  } else if (want !== undefined && engines.node !== want) {
    p.push(`engines.node: ${JSON.stringify(engines.node)}, expected ${JSON.stringify(want)} (the root's)`);
  }
  if (m.type !== 'module') p.push(`type: ${JSON.stringify(m.type)}, expected "module" (the packages are ESM)`);
  if (!isNonEmptyString(m.types)) p.push('types: missing (the declaration file of the main entry)');
  if (!isStringArray(m.files)) p.push('files: missing or empty (the allow-list of what is published)');
  if (!isStringArray(m.keywords)) p.push('keywords: missing or empty');
  if (m.bundledDependencies !== undefined || m.bundleDependencies !== undefined) {
    p.push('bundledDependencies: not allowed (nothing from outside the project ships with a package)');
  }
  return p;
}

/** Where a file referenced by the package.json is missing: on disk, or in the tarball. */
function checkTarget(where: string, target: string, ctx: CheckContext): string[] {
  if (!target.startsWith('./')) return [`${where}: "${target}" must start with "./"`];
  if (target.includes('*')) return [`${where}: "${target}" is a pattern; publish-check wants every subpath listed`];
  const path = target.slice(2);
  if (!existsSync(join(ctx.dir, path))) {
    return [
      `${where}: ${target} does not exist${path.startsWith('dist/') ? ' (run `pnpm build` first, or the build does not emit it)' : ''}`,
    ];
  }
  if (!ctx.packed.has(path)) {
    return [`${where}: ${target} exists but is not in the package: "files" does not include it (pnpm pack leaves it out)`];
  }
  return [];
}

/** The declaration file tsc emits next to a JS file: `./dist/a.js` -> `./dist/a.d.ts`. */
const declarationOf = (js: string) => js.replace(/\.([cm]?)js$/, '.d.$1ts');
/** The source a built file comes from: `./dist/a.js` -> `./src/a.ts`. */
const sourceOf = (js: string) => js.replace(/^\.\/dist\//, './src/').replace(/\.([cm]?)js$/, '.$1ts');

/**
 * The exports map: explicit subpaths; each code subpath an object of conditions with `types` before
 * every runtime condition (`source` may precede it: no consumer's TypeScript resolves it), `import`
 * or `default`, `default` last, and, for built entries, `source` naming the src/*.ts the entry is
 * built from (tools/boundaries resolves our packages through it). Every target exists and is packed.
 */
export function checkExports(m: Manifest, ctx: CheckContext): string[] {
  const p: string[] = [];
  const exp = m.exports;
  if (!isObject(exp)) return ['exports: missing (an object of subpaths: { ".": { "types", "import", "default" } })'];
  const subs = Object.keys(exp);
  if (subs.some((s) => !s.startsWith('.'))) {
    return ['exports: conditions at the top level; write the subpaths out: { ".": { ...conditions } }'];
  }
  if (!subs.includes('.')) p.push('exports: no "." subpath (the main entry)');
  for (const sub of subs) {
    const at = `exports["${sub}"]`;
    const value = exp[sub];
    if (value === null) continue; // a blocked subpath
    if (typeof value === 'string') {
      if (CODE.test(value)) {
        p.push(
          `${at}: a bare path to code (${value}); give it an object of conditions with "types" first, e.g. { "types": "${declarationOf(value)}", "default": "${value}" }, so TypeScript finds its types`,
        );
      }
      p.push(...checkTarget(at, value, ctx));
      continue;
    }
    if (!isObject(value)) {
      p.push(`${at}: expected an object of conditions, got ${JSON.stringify(value)}`);
      continue;
    }
    const conds = Object.keys(value);
    const nested = conds.filter((c) => typeof value[c] !== 'string');
    if (nested.length > 0) {
      p.push(`${at}: conditions ${nested.join(', ')} are not plain paths; publish-check wants one flat object of conditions`);
      continue;
    }
    const t = (c: string) => value[c] as string;
    const order = `(order: ${conds.join(', ')})`;
    const runtime = conds.filter((c) => c !== 'types' && c !== 'source');
    if (!conds.includes('types')) {
      p.push(`${at}: no "types" condition ${order}`);
    } else {
      const late = runtime.filter((c) => conds.indexOf(c) < conds.indexOf('types'));
      if (late.length > 0) {
        p.push(`${at}: "types" must come first, before ${late.map((c) => `"${c}"`).join(', ')} ${order}: resolvers take the first condition that matches`);
      }
      if (!DECLARATION.test(t('types'))) p.push(`${at}.types: ${t('types')} is not a declaration file (.d.ts)`);
    }
    if (!conds.includes('import') && !conds.includes('default')) p.push(`${at}: neither "import" nor "default" ${order}`);
    if (conds.includes('default') && conds[conds.length - 1] !== 'default') {
      p.push(`${at}: "default" must be the last condition ${order}`);
    }
    const js = conds.includes('import') ? t('import') : conds.includes('default') ? t('default') : undefined;
    if (js !== undefined && conds.includes('types') && CODE.test(js) && t('types') !== declarationOf(js)) {
      p.push(`${at}.types: ${t('types')} is not the declaration of ${js} (expected ${declarationOf(js)})`);
    }
    if (conds.includes('import') && conds.includes('default') && t('import') !== t('default')) {
      p.push(`${at}: "import" (${t('import')}) and "default" (${t('default')}) differ; an ESM-only package has one entry file`);
    }
    if (js !== undefined && js.startsWith('./dist/')) {
      if (!conds.includes('source')) {
        p.push(`${at}: no "source" condition; expected "source": "${sourceOf(js)}" (tools/boundaries resolves packages to their sources through it)`);
      } else if (!/^\.\/src\/.+\.[cm]?ts$/.test(t('source')) || DECLARATION.test(t('source'))) {
        p.push(`${at}.source: ${t('source')} is not a src/*.ts file`);
      } else if (t('source') !== sourceOf(js)) {
        p.push(`${at}.source: ${t('source')} is not the source of ${js} (expected ${sourceOf(js)})`);
      }
    }
    for (const c of conds) p.push(...checkTarget(`${at}.${c}`, t(c), ctx));
  }
  // The top-level fields older tools read must agree with the main entry.
  const main = isObject(exp['.']) ? (exp['.'] as Record<string, Json>) : undefined;
  if (isNonEmptyString(m.types)) {
    p.push(...checkTarget('types', m.types, ctx));
    if (main && typeof main.types === 'string' && main.types !== m.types) {
      p.push(`types: ${m.types} differs from exports["."].types (${main.types})`);
    }
  }
  if (m.main !== undefined) {
    if (!isNonEmptyString(m.main)) p.push(`main: ${JSON.stringify(m.main)} is not a path`);
    else {
      p.push(...checkTarget('main', m.main, ctx));
      const entry = main && (main.import ?? main.default);
      if (typeof entry === 'string' && entry !== m.main) p.push(`main: ${m.main} differs from exports["."] (${entry})`);
    }
  }
  if (m.bin !== undefined) {
    const bins: [string, Json][] = typeof m.bin === 'string' ? [[String(m.name), m.bin]] : isObject(m.bin) ? Object.entries(m.bin) : [];
    if (bins.length === 0) p.push(`bin: ${JSON.stringify(m.bin)} is neither a path nor an object of commands`);
    for (const [cmd, target] of bins) {
      if (typeof target !== 'string') {
        p.push(`bin.${cmd}: ${JSON.stringify(target)} is not a path`);
        continue;
      }
      const rel = target.startsWith('./') ? target : `./${target}`;
      const problems = checkTarget(`bin.${cmd}`, rel, ctx);
      p.push(...problems);
      if (problems.length === 0 && !readFileSync(join(ctx.dir, rel), 'utf8').startsWith('#!')) {
        p.push(`bin.${cmd}: ${rel} does not start with a #! line`);
      }
    }
  }
  return p;
}

/**
 * Runtime dependencies (installed with the package: `dependencies`, `optionalDependencies`) are our
 * own packages only, declared `workspace:^` (pnpm publishes them as `^<version>`, so an internal
 * bump of a dependency keeps its dependents installable); a published package never depends on a
 * private one. A `peerDependencies` entry on an outside package names the host a package plugs into
 * (the user installs it, e.g. dependency-cruiser for a preset); that the allocator's code imports
 * nothing foreign is Contract D's rule (tools/boundaries, no-runtime-deps-outside-the-project).
 */
export function checkDependencies(m: Manifest, ctx: CheckContext): string[] {
  const p: string[] = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = m[field];
    if (deps === undefined) continue;
    if (!isObject(deps)) {
      p.push(`${field}: not an object`);
      continue;
    }
    for (const [name, spec] of Object.entries(deps)) {
      const ws = ctx.workspace.get(name);
      if (!ws && field === 'peerDependencies') {
        if (typeof spec !== 'string' || spec.startsWith('workspace:')) p.push(`${field}.${name}: ${JSON.stringify(spec)} is not a version range`);
      } else if (!ws) {
        p.push(
          `${field}.${name}: "${String(spec)}" is not a package of this workspace; nothing outside the project is a runtime dependency (devDependencies are for tooling)`,
        );
      } else if (spec !== 'workspace:^') {
        p.push(`${field}.${name}: "${String(spec)}", expected "workspace:^"`);
      } else if (!ws.publishable) {
        p.push(`${field}.${name}: a private package; a published package cannot depend on it`);
      }
    }
  }
  const dev = m.devDependencies;
  if (isObject(dev)) {
    for (const [name, spec] of Object.entries(dev)) {
      if (ctx.workspace.has(name) && !(typeof spec === 'string' && spec.startsWith('workspace:'))) {
        p.push(`devDependencies.${name}: "${String(spec)}"; a workspace package is declared with the workspace: protocol`);
      }
    }
  }
  return p;
}

/** README (with a code example), LICENSE (the root's) and CHANGELOG ship with the package. */
export function checkShippedDocs(m: Manifest, ctx: CheckContext): string[] {
  const p: string[] = [];
  const readme = join(ctx.dir, 'README.md');
  if (!existsSync(readme)) {
    p.push('README.md: missing');
  } else {
    if (!/^```(?:js|ts|javascript|typescript)\s*$/m.test(readFileSync(readme, 'utf8'))) {
      p.push('README.md: no ```js or ```ts example');
    }
    if (!ctx.packed.has('README.md')) p.push('README.md: not in the package');
  }
  const licenses = [...ctx.packed].filter((f) => /^licen[cs]e(?:\.md|\.txt)?$/i.test(f));
  if (licenses.length === 0) {
    p.push('LICENSE: not in the package (copy the root LICENSE into the package directory)');
  } else {
    const want = readFileSync(join(ctx.root, 'LICENSE'), 'utf8').trim();
    for (const f of licenses) {
      if (ctx.packedText(f)?.trim() !== want) p.push(`${f}: differs from the root LICENSE`);
    }
  }
  // `changeset version` writes CHANGELOG.md; pnpm pack only ships it when "files" lists it.
  if (existsSync(join(ctx.dir, 'CHANGELOG.md'))) {
    if (!ctx.packed.has('CHANGELOG.md')) p.push('CHANGELOG.md: exists but is not in the package (add "CHANGELOG.md" to "files")');
  } else if (!(Array.isArray(m.files) && m.files.includes('CHANGELOG.md'))) {
    p.push('files: does not list "CHANGELOG.md"; the changelog `changeset version` writes would not be published');
  }
  return p;
}

/** What never belongs in a tarball: tests, test reports, build state, local configuration. */
const STRAY = [
  /(?:^|\/)node_modules\//,
  /(?:^|\/)test\//,
  /\.test\.[cm]?[jt]sx?$/,
  /(?:^|\/)\.vitest-report\.json$/,
  /(?:^|\/)\.turbo\//,
  /\.tsbuildinfo$/,
  /(?:^|\/)tsconfig(?:\.[^/]*)?\.json$/,
  /(?:^|\/)vitest\.config\.[cm]?[jt]s$/,
  /(?:^|\/)\.readme-example-[^/]*$/,
];

export function checkNoStrays(_m: Manifest, ctx: CheckContext): string[] {
  return [...ctx.packed]
    .filter((f) => STRAY.some((re) => re.test(f)))
    .sort()
    .map((f) => `${f}: in the package, but tests, reports and local configuration are not published (narrow "files")`);
}

/** Every rule above. */
export function checkManifest(m: Manifest, ctx: CheckContext): string[] {
  return [
    ...checkFields(m, ctx),
    ...checkExports(m, ctx),
    ...checkDependencies(m, ctx),
    ...checkShippedDocs(m, ctx),
    ...checkNoStrays(m, ctx),
  ];
}
