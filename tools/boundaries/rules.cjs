'use strict';
/**
 * Small helpers that build the path patterns and rules of hakmem's boundary configuration
 * (dependency-cruiser.cjs). They are exported so that a user can write rules for their own boxes in
 * the same terms (see README.md).
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
 */

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
 * `dir` is its directory under packages/ (defaults to the last part of the name).
 */
function pkg(name, dir = dirOf(name)) {
  return `^(?:packages/${esc(dir)}/|${esc(name)}(?:/|$))|${installed(name)}`;
}

/**
 * Pattern for ONE public entry of a package: the subpath `sub` of its exports map ('.' for the
 * main entry), whose source is `src/<file>.ts` (defaults to the subpath's name, or `index`).
 * Matches the resolved source file, its built twin in dist/, and the bare specifier.
 */
function entry(name, sub = '.', { dir = dirOf(name), file } = {}) {
  const base = file ?? (sub === '.' ? 'index' : sub.replace(/^\.\//, ''));
  const spec = sub === '.' ? name : `${name}/${sub.replace(/^\.\//, '')}`;
  const files = `(?:src/${esc(base)}\\.[cm]?tsx?|dist/${esc(base)}\\.(?:d\\.[cm]?ts|[cm]?js))$`;
  return `^(?:packages/${esc(dir)}/${files}|${esc(spec)}$)|${installed(name)}${files}`;
}

/**
 * "Ours": anything under packages/ (resolved path) or a bare specifier `hakmem` / `@hakmem/*`
 * (also when installed from the registry into node_modules).
 */
const OURS = [
  '^packages/',
  '^hakmem(?:/|$)',
  '^@hakmem/',
  '(?:^|/)node_modules/(?:hakmem|@hakmem/[^/]+)/',
];

/** The packages of Contract D, by directory under packages/ (DESIGN.md). */
const CONTRACT_D_PACKAGES = Object.freeze(['pool-tls', 'arena', 'ace-learning', 'pool-refill', 'pool-diagnostics', 'hakmem']);

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
    to: { path: ours, pathNot: [self, ...mayImport] },
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
    to: { path: OURS, pathNot: '^packages/$1/' },
  };
}

module.exports = {
  esc,
  pkg,
  entry,
  OURS,
  CONTRACT_D_PACKAGES,
  TEST_FILES,
  mayImportOnly,
  boxMayImportOnly,
  unlistedPackagesRule,
};
