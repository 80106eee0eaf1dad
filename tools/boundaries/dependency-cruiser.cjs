'use strict';
/**
 * Contract D of hakmem (DESIGN.md, "Packages and the boundaries between them"), mechanically.
 *
 * THE one dependency-cruiser configuration of this repository. Run from the repository root:
 *
 *   pnpm check:boundaries
 *   (= depcruise --config tools/boundaries/dependency-cruiser.cjs packages tools)
 *
 * Every rule is written on paths (packages/<dir>/...) AND on bare specifiers (@hakmem/<name>...),
 * so it already guards packages that do not exist yet (ace-learning, pool-diagnostics) and it
 * still fires when the import does not resolve (TOOLCHAIN.md, "dependency-cruiser: the trap").
 * tools/boundaries/test/boundaries.test.ts plants every kind of violation and checks that the
 * rule below fails on it; keep it that way when you change a rule.
 *
 * The table of Contract D itself is data, in contract-d.cjs; the per-box rules below are generated
 * from it, as are the rules of the preset users extend (preset.cjs, contractD() in rules.cjs).
 *
 * To add rules for boxes of your own, `extends` this file: see tools/boundaries/README.md. In a
 * project of your own (our packages installed from npm), extend the preset instead.
 */
const {
  pkg,
  OURS,
  DEEP_IMPORT,
  CONTRACT_D_PACKAGES,
  TEST_FILES,
  unlistedPackagesRule,
  contractDPackageRules,
} = require('./rules.cjs');

/** @type {import('dependency-cruiser').IConfiguration} */
const config = {
  forbidden: [
    /* ---------------------------------------------------------------- the table of Contract D */
    // One rule per box, generated from the table in contract-d.cjs (the preset users extend is
    // generated from it too): pool-tls-imports-nothing-of-ours, arena-imports-nothing-of-ours,
    // ace-learning-imports-nothing-of-ours, pool-refill-imports-only-pool-tls-and-ace-producer,
    // pool-diagnostics-imports-only-stats-entries. Change the contract there, not here.
    ...contractDPackageRules(),
    {
      name: 'only-the-umbrella-imports-pool-diagnostics',
      comment:
        'Contract D: nothing imports pool-diagnostics but the umbrella (packages/hakmem). The boxes ' +
        'expose stats entries; diagnostics reads them, not the other way round.',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/(?:hakmem|pool-diagnostics)/' },
      to: { path: pkg('@hakmem/pool-diagnostics') },
    },
    // hakmem (the umbrella) may import all of the above, through their public entries only (the
    // rules below), so it needs no rule of its own.
    unlistedPackagesRule(CONTRACT_D_PACKAGES),
    {
      name: 'packages-never-import-tools',
      comment:
        'Published packages never import from tools/ (benchmarks, boundary rules, scripts): tools ' +
        'are not shipped.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^tools/' },
    },

    /* ------------------------------------------------ only through a package's name and exports */
    {
      name: 'no-relative-import-into-another-package',
      comment:
        "Contract D: import another package through its name and its exports map (e.g. " +
        "'@hakmem/pool-tls/chain'), never through a relative path into its directory " +
        "(e.g. '../../pool-tls/src/cache.js'): a relative path bypasses the exports map and breaks " +
        'once the packages are installed from the registry.',
      severity: 'error',
      from: { path: '^(packages|tools)/([^/]+)/' },
      to: { path: '^(?:packages|tools)/', pathNot: '^$1/$2/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-deep-import-into-package-src',
      comment:
        "Contract D: never import a path inside another package's src/ (or dist/) by name, e.g. " +
        "'@hakmem/pool-tls/src/cache': only the subpaths of its exports map are public.",
      severity: 'error',
      from: {},
      // Matches the specifier as written: such an import never resolves (the exports maps do not
      // export src/), so what dependency-cruiser reports is the bare name.
      to: { path: DEEP_IMPORT },
    },

    /* --------------------------------------------------------------------------------- cycles */
    {
      name: 'no-circular',
      comment:
        'Contract D: no cycles, within a package or between packages. Type-only imports count ' +
        '(tsPreCompilationDeps): a type cycle still ties the modules together. Extract the shared ' +
        'part into a module both can import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },

    /* ---------------------------------------------------------------- no foreign runtime deps */
    {
      name: 'no-runtime-deps-outside-the-project',
      comment:
        'Contract D: an allocator is infrastructure; each box installs alone in a second. Non-test ' +
        'files of packages/*/src import only relative files, node: builtins and our own packages ' +
        '(hakmem, @hakmem/*). Tooling and test peers (vitest, fast-check, ...) are devDependencies, ' +
        'for test files (*.test.ts, test/**) only.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: TEST_FILES },
      to: {
        dependencyTypesNot: ['local', 'core'],
        // ours; and a relative import that did not resolve (not-to-unresolvable reports that one)
        pathNot: [...OURS, '^[.]{1,2}/(?!.*node_modules/)'],
      },
    },

    /* ------------------------------------------------------- TOOLCHAIN traps: make rules bite */
    {
      name: 'not-to-unresolvable',
      comment:
        'Every import must resolve. An import of a workspace package that the importing package does ' +
        'not declare in its package.json does not resolve (pnpm), nor does a subpath missing from ' +
        "the target's exports map; unresolved, it would slip past rules written on resolved paths. " +
        'Declare the dependency ("@hakmem/x": "workspace:^") or import an exported subpath.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment:
        'Every npm package imported must be declared in a package.json (the importing package or ' +
        'the root, for devDependencies shared by all): an undeclared one works here by hoisting ' +
        'luck and breaks for a user who installs the package alone.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    // Cruise sources, never build output: an edge that resolves into dist/ is recorded (and checked)
    // but not followed. doNotFollow also keeps these folders out of the files scanned.
    doNotFollow: {
      path: ['(?:^|/)node_modules/', '^(?:packages|tools)/[^/]+/dist/'],
    },
    // Not workspace code: the user projects tools/pack-check copies into a temp directory (their
    // files are renamed on the way, so their imports only resolve there), and the README examples
    // docs-check writes next to a package for a moment (a cruise that lists one and then reads it
    // after it is gone fails: seen when both ran at once in `pnpm test`).
    exclude: { path: ['^tools/pack-check/fixtures/', '(?:^|/)[.]readme-example-[0-9]+[.]mjs$'] },
    // Type-only imports are dependencies too (verbatimModuleSyntax keeps `import type` explicit).
    tsPreCompilationDeps: true,
    // Resolve our packages through their exports maps, to their sources: every export of every
    // package.json has a "source" condition pointing at src/*.ts.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'types', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    // Dependencies declared in the root package.json (the shared devDependencies: vitest,
    // fast-check, ...) count as declared for every package of the workspace.
    combinedDependencies: true,
    moduleSystems: ['es6', 'cjs', 'tsd'],
  },
};

module.exports = config;
