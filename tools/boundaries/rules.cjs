'use strict';
/**
 * Small helpers that build the path patterns and rules of hakmem's boundary configurations: the
 * repository's own (dependency-cruiser.cjs) and the user preset (preset.cjs). They are exported so
 * that a user can write rules for their own boxes in the same terms (see README.md); contractD()
 * holds a user's boxes to Contract D by role.
 *
 * Every pattern here matches two things:
 *  - the RESOLVED path of a module (relative to the directory depcruise runs in, the repository
 *    root), e.g. `packages/pool-tls/src/chain.ts`;
 *  - the BARE specifier, e.g. `@hakmem/pool-tls/chain`. dependency-cruiser reports the specifier
 *    as the "resolved" path when it cannot resolve it, which is exactly what happens when a package
 *    imports a workspace package it does not declare (TOOLCHAIN.md, "the trap"): a rule that only
 *    knows the path then passes silently.
 * A third form is matched too, for users who consume the published packages: a package resolved
 * inside node_modules (`node_modules/@hakmem/pool-tls/...`, `node_modules/.pnpm/x/node_modules/...`).
 *
 * Its types are in rules.d.cts (shipped; test/preset.test.ts is typechecked against them): change
 * both together.
 */

const { ROLES } = require('./contract-d.cjs');

/** Escape a string for use inside a regular expression. */
function esc(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The workspace directory of a package name: `@hakmem/pool-tls` -> `pool-tls`, `hakmem` -> `hakmem`. */
function dirOf(name) {
  return name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
}

/**
 * A node_modules location of an installed package `name` (hoisted, or in the pnpm store:
 * `node_modules/.pnpm/<id>/node_modules/<name>/` contains `/node_modules/<name>/` too).
 * No nested quantifiers: dependency-cruiser refuses "unsafe" regular expressions.
 */
function installed(name) {
  return `(?:^|/)node_modules/${esc(name)}/`;
}

/**
 * Pattern for anything of package `name` (any file of it, any subpath of its name).
 * `dir` is its directory under packages/ (defaults to the last part of the name); with
 * `{ workspace: false }` (a user's project, where packages/ is theirs) that form is left out.
 */
function pkg(name, dir = dirOf(name), { workspace = true } = {}) {
  const ws = workspace ? `packages/${esc(dir)}/|` : '';
  return `^(?:${ws}${esc(name)}(?:/|$))|${installed(name)}`;
}

/** The file name (without extension) of the source of subpath `sub`: '.' -> index, './x' -> x. */
function entryFile(sub) {
  return sub === '.' ? 'index' : sub.replace(/^\.\//, '');
}

/** The bare specifier of subpath `sub` of package `name`: '@x/a' + './b' -> '@x/a/b'. */
function specifier(name, sub) {
  return sub === '.' ? name : `${name}/${sub.replace(/^\.\//, '')}`;
}

/**
 * Pattern for ONE public entry of a package: the subpath `sub` of its exports map ('.' for the
 * main entry), whose source is `src/<file>.ts` (defaults to the subpath's name, or `index`).
 * Matches the resolved source file, its built twin in dist/, and the bare specifier; in
 * packages/<dir>/ (left out with `{ workspace: false }`) and in node_modules.
 */
function entry(name, sub = '.', { dir = dirOf(name), file, workspace = true } = {}) {
  const base = file ?? entryFile(sub);
  const files = `(?:src/${esc(base)}\\.[cm]?tsx?|dist/${esc(base)}\\.(?:d\\.[cm]?ts|[cm]?js))$`;
  const ws = workspace ? `packages/${esc(dir)}/${files}|` : '';
  return `^(?:${ws}${esc(specifier(name, sub))}$)|${installed(name)}${files}`;
}

/**
 * "Ours" in a user's project: our packages by bare specifier (`hakmem`, `@hakmem/*`, also when the
 * import does not resolve) or installed into node_modules.
 */
const OURS_INSTALLED = Object.freeze(['^hakmem(?:/|$)', '^@hakmem/', '(?:^|/)node_modules/(?:hakmem|@hakmem/[^/]+)/']);

/** "Ours" in this repository: anything under packages/ (resolved path), and the above. */
const OURS = Object.freeze(['^packages/', ...OURS_INSTALLED]);

/** The packages of Contract D, by directory under packages/ (DESIGN.md): the roles of contract-d.cjs. */
const CONTRACT_D_PACKAGES = Object.freeze(Object.keys(ROLES));

/**
 * A deep import by name: a path inside one of our packages' src/ or dist/, e.g.
 * '@hakmem/pool-tls/src/cache'. Matched on the specifier as written: such an import never resolves
 * (the exports maps do not export src/ or dist/), so what dependency-cruiser reports is the name.
 */
const DEEP_IMPORT = '^(?:hakmem|@hakmem/[^/]+)/(?:src|dist)(?:/|$)';

/** Test files: `*.test.ts` (and .js/.mts/...), anything in a `test/` folder. */
const TEST_FILES = ['\\.test\\.[cm]?[jt]sx?$', '(?:^|/)test/'];

/**
 * A rule saying: files matching `from` may import, of ours, only `mayImport` (patterns made with
 * `entry()` or `pkg()`), besides themselves (`self`, a pattern for their own package).
 * With `mayImport: []` the box imports nothing of ours.
 */
function mayImportOnly({ name, comment, from, self, mayImport = [], ours = OURS, severity = 'error' }) {
  if (!name || !comment || !from || !self) {
    throw new Error('mayImportOnly: name, comment, from and self are required');
  }
  return {
    name,
    comment,
    severity,
    from: { path: from },
    to: { path: [...ours], pathNot: [self, ...mayImport] },
  };
}

/**
 * A rule for a box of packages/: `box` is its directory; it may import of ours only `mayImport`.
 */
function boxMayImportOnly({ name, comment, box, mayImport = [], severity = 'error' }) {
  return mayImportOnly({
    name,
    comment,
    severity,
    from: `^packages/${esc(box)}/`,
    self: `^packages/${esc(box)}/`,
    mayImport,
  });
}

/**
 * The catch-all for packages that are not in the table: a package under packages/ whose directory
 * is not in `listed` imports nothing of ours. When you add a box of your own under packages/, give
 * it its own rule and re-declare this one (same name) with the box added to `listed`.
 */
function unlistedPackagesRule(listed) {
  return {
    name: 'unlisted-package-imports-nothing-of-ours',
    comment:
      'A package under packages/ that Contract D does not list (DESIGN.md) may not import any of our ' +
      'packages. Everything not allowed is forbidden: add the package and what it may import to ' +
      'tools/boundaries/dependency-cruiser.cjs (and to the table in DESIGN.md) first.',
    severity: 'error',
    from: {
      path: '^packages/([^/]+)/',
      pathNot: `^packages/(?:${listed.map(esc).join('|')})/`,
    },
    to: { path: [...OURS], pathNot: '^packages/$1/' },
  };
}

/* ------------------------------------------------------------------ Contract D, by role */

function roleOf(role) {
  const r = Object.prototype.hasOwnProperty.call(ROLES, role) ? ROLES[role] : undefined;
  if (!r) throw new Error(`unknown Contract D role '${role}': one of ${CONTRACT_D_PACKAGES.join(', ')}`);
  return r;
}

/** The comment of the rule of our own box `role` (packages/<role>/), from the table. */
function roleComment(role) {
  const r = roleOf(role);
  return `Contract D: ${r.title} ${r.allows}. ${r.todo}`;
}

/**
 * The rules of the table for this repository: one per box under packages/<role>/ (the umbrella,
 * which may import everything through public entries, needs none). Named `<role>-<rule>`.
 */
function contractDPackageRules({ severity = 'error' } = {}) {
  return CONTRACT_D_PACKAGES.filter((role) => roleOf(role).mayImport !== '*').map((role) =>
    boxMayImportOnly({
      name: `${role}-${roleOf(role).rule}`,
      comment: roleComment(role),
      box: role,
      mayImport: roleOf(role).mayImport.map((a) => entry(roleOf(a.role).package, a.entry)),
      severity,
    }),
  );
}

const BOX_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** 'a, b or c' */
function oneOf(words) {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** A user's box, checked: { name, role, path, entries: { [subpath]: pattern } }. */
function userBox(name, spec) {
  const where = `contractD: box '${name}'`;
  if (!BOX_NAME.test(name)) throw new Error(`${where}: a box name is letters, digits, '-' and '_' (it names the rule)`);
  if (!spec || typeof spec !== 'object') throw new Error(`${where}: expected { role, path }`);
  const { role, path, entries = {} } = spec;
  roleOf(role);
  if (typeof path !== 'string' || !path.endsWith('/')) {
    throw new Error(`${where}: path must be a regular expression for the box's folder, ending in '/' (e.g. '^src/my-learner/')`);
  }
  return { name, role, path, entries };
}

/**
 * Pattern for the public entry `sub` of a user's box: what `entries[sub]` says, or by default the
 * file of the same name at the box's root, as in our packages ('.' -> index.*, './producer' ->
 * producer.*).
 */
function userBoxEntry(box, sub) {
  return box.entries[sub] ?? `${box.path}${esc(entryFile(sub))}\\.[cm]?[jt]sx?$`;
}

/**
 * Contract D for a user's own boxes. `boxes` maps a box name to { role, path, entries? }:
 *  - role: the role of Contract D it plays (contract-d.cjs: 'pool-tls', 'arena', 'ace-learning',
 *    'pool-refill', 'pool-diagnostics', 'hakmem');
 *  - path: a regular expression for its folder (relative to where depcruise runs), ending in '/';
 *  - entries (optional): { [subpath]: pattern } for its public entries, where they are not
 *    <path>index.* ('.') and <path><name>.* ('./<name>').
 * Returns one rule per box (none for the umbrella role), named `<box>-<rule of the role>`: of ours
 * (hakmem, @hakmem/*, and the user's other boxes), the box imports only what its role may import,
 * from our package of that role or from the user's boxes in that role.
 */
function contractD({ boxes, severity = 'error' } = {}) {
  if (!boxes || typeof boxes !== 'object' || Array.isArray(boxes)) {
    throw new Error("contractD: expected { boxes: { 'my-learner': { role: 'ace-learning', path: '^src/my-learner/' } } }");
  }
  const list = Object.entries(boxes).map(([name, spec]) => userBox(name, spec));
  const ours = [...OURS_INSTALLED, ...list.map((b) => b.path)];
  return list
    .filter((b) => roleOf(b.role).mayImport !== '*')
    .map((b) => {
      const r = roleOf(b.role);
      const patterns = [];
      const words = [];
      for (const a of r.mayImport) {
        patterns.push(entry(roleOf(a.role).package, a.entry, { workspace: false }));
        words.push(specifier(roleOf(a.role).package, a.entry));
        for (const other of list.filter((o) => o.role === a.role)) {
          patterns.push(userBoxEntry(other, a.entry));
          words.push(`the ${a.entry} entry of your ${a.role} box ${other.name} (${userBoxEntry(other, a.entry)})`);
        }
      }
      const others = list.filter((o) => o !== b).map((o) => o.name);
      const mine = others.length > 0 ? `, and your boxes ${others.join(', ')}` : '';
      return mayImportOnly({
        name: `${b.name}-${r.rule}`,
        comment:
          `Contract D: your box ${b.name} (${b.path}) plays the role of ${r.title}. Of ours ` +
          `(hakmem, @hakmem/*${mine}) it ${words.length > 0 ? `may import only ${oneOf(words)}` : 'imports nothing'}. ` +
          r.todo,
        from: b.path,
        self: b.path,
        mayImport: patterns,
        ours,
        severity,
      });
    });
}

module.exports = {
  esc,
  pkg,
  entry,
  OURS,
  OURS_INSTALLED,
  DEEP_IMPORT,
  CONTRACT_D_PACKAGES,
  ROLES,
  TEST_FILES,
  mayImportOnly,
  boxMayImportOnly,
  unlistedPackagesRule,
  roleComment,
  contractDPackageRules,
  contractD,
};
