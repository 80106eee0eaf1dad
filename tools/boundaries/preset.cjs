'use strict';
/**
 * Contract D for YOUR project: the dependency-cruiser preset to extend when you use hakmem's
 * packages (installed from npm) and write boxes of your own, say a learner of your own.
 *
 *   // .dependency-cruiser.cjs
 *   const { contractD } = require('@hakmem/boundaries/rules');
 *   module.exports = {
 *     extends: '@hakmem/boundaries/preset',
 *     forbidden: [
 *       ...contractD({ boxes: { 'my-learner': { role: 'ace-learning', path: '^src/my-learner/' } } }),
 *     ],
 *   };
 *
 * The preset itself holds what applies to every project: our packages only through their exports
 * maps, every import resolves, no cycles. contractD() (rules.cjs) adds one rule per box of yours,
 * from the same table (contract-d.cjs) that the hakmem repository checks itself with.
 * See README.md, "Use it in your project".
 *
 * Unlike dependency-cruiser.cjs (the repository's own), nothing here knows about packages/: in your
 * project that folder, if any, is yours.
 */
const { DEEP_IMPORT } = require('./rules.cjs');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-deep-import-into-package-src',
      comment:
        "Contract D: import hakmem's packages only through the subpaths of their exports maps " +
        "(e.g. '@hakmem/pool-tls', '@hakmem/pool-tls/chain'), never a path inside their src/ or " +
        "dist/ (e.g. '@hakmem/pool-tls/src/cache'): those are not public and change without notice. " +
        'If you need something that is not exported, ask for it in an issue.',
      severity: 'error',
      from: {},
      to: { path: DEEP_IMPORT },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'Every import must resolve. A subpath that the package does not export does not resolve ' +
        '(e.g. @hakmem/pool-tls/src/cache), nor does a package that is not installed; unresolved, an ' +
        'import would slip past the rules written on resolved paths. Install the package, fix the ' +
        'path, or import an exported subpath.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment:
        'Contract D: no cycles. Type-only imports count (tsPreCompilationDeps): a type cycle still ' +
        'ties the modules together. Extract the shared part into a module both can import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Installed packages are checked where they are imported, not cruised themselves. Do not
    // `exclude` node_modules instead: that drops the edges into it, and the box rules see nothing.
    doNotFollow: { path: ['(?:^|/)node_modules/'] },
    // Type-only imports are dependencies too: a box may not lean on another box's types either.
    tsPreCompilationDeps: true,
    // Resolve packages through their exports maps, as Node does: then a subpath a package does not
    // export (its src/, its dist/) does not resolve, and the rules above catch it.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
