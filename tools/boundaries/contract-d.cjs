'use strict';
/**
 * Contract D (DESIGN.md, "Packages and the boundaries between them") as data.
 *
 * This table is the one place the contract lives. Two configurations are generated from it, so
 * they cannot drift:
 *  - the repository's own (dependency-cruiser.cjs): one rule per box under packages/<role>/;
 *  - the preset users extend (preset.cjs), with contractD() of rules.cjs for their own boxes.
 *
 * A role is a box of the design; its key is also its directory under packages/. Each role has:
 *  - package:   its npm name;
 *  - mayImport: what of ours it may import, as { role, entry } pairs, where `entry` is a subpath of
 *               that role's exports map ('.' is the main entry; the source of './x' is src/x.ts).
 *               '*' means everything, through public entries (the umbrella);
 *  - rule:      the end of the rule's name (`<box>-<rule>`, e.g. pool-tls-imports-nothing-of-ours);
 *  - title, allows, todo: the rule's comment, which is what a violation tells the reader to do.
 *
 * Pure data, no require(): rules.cjs reads it, and a cycle between the two would fail our own check.
 */

/** @typedef {{ role: string, entry: string }} Allowed */
/**
 * @typedef {object} Role
 * @property {string} package
 * @property {Allowed[] | '*'} mayImport
 * @property {string} [rule]
 * @property {string} title
 * @property {string} [allows]
 * @property {string} [todo]
 */

/** @type {Readonly<Record<string, Role>>} */
const ROLES = Object.freeze({
  'pool-tls': {
    package: '@hakmem/pool-tls',
    title: 'pool-tls (Box 1, the hot path)',
    mayImport: [],
    rule: 'imports-nothing-of-ours',
    allows: 'imports nothing of ours, so it installs and runs alone on any backend',
    todo: 'Move what it needs into the box, or invert the dependency: let the wiring code pass it in.',
  },
  arena: {
    package: '@hakmem/arena',
    title: 'the arena (the backend)',
    mayImport: [],
    rule: 'imports-nothing-of-ours',
    allows: 'imports nothing of ours',
    todo:
      'The refill engine declares the interface it needs and the arena satisfies it structurally; ' +
      'the umbrella (or your wiring code) connects the two. Match the interface, do not import it.',
  },
  'ace-learning': {
    package: '@hakmem/ace-learning',
    title: 'ace-learning (Box 3: event ring, learner, policy table)',
    mayImport: [],
    rule: 'imports-nothing-of-ours',
    allows: 'imports nothing of ours',
    todo:
      'A learner only writes the policy table (Contract B) and never touches caches, spans or ' +
      'blocks. Take the ring and the policy table from the wiring code.',
  },
  'pool-refill': {
    package: '@hakmem/pool-refill',
    title: 'pool-refill (Box 2, the cold path)',
    mayImport: [
      { role: 'pool-tls', entry: '.' },
      { role: 'pool-tls', entry: './chain' },
      { role: 'ace-learning', entry: './producer' },
    ],
    rule: 'imports-only-pool-tls-and-ace-producer',
    allows:
      "may import only pool-tls's public entry (@hakmem/pool-tls) and its chain installer " +
      "(@hakmem/pool-tls/chain), and ace-learning's producer entry (@hakmem/ace-learning/producer: " +
      'push an event, read a policy)',
    todo:
      'Never the arena: talk to the backend through the interface the refill engine declares ' +
      '(RefillBackend), which the wiring code satisfies. Never another ace-learning entry, never ' +
      'pool-diagnostics or the umbrella.',
  },
  'pool-diagnostics': {
    package: '@hakmem/pool-diagnostics',
    title: 'pool-diagnostics (statistics, health, reports)',
    // pool-tls has no stats entry: what its words mean is decoded by pool-diagnostics itself
    mayImport: ['pool-refill', 'ace-learning', 'arena'].map((role) => ({ role, entry: './stats' })),
    rule: 'imports-only-stats-entries',
    allows:
      'reads the boxes only through their public, read-only stats/snapshot entries ' +
      '(@hakmem/<box>/stats) of pool-refill, ace-learning and arena (pool-tls has none)',
    todo: 'Never a main entry, never the umbrella: take the parts of the heap from the caller.',
  },
  hakmem: {
    package: 'hakmem',
    title: 'hakmem (the umbrella)',
    mayImport: '*',
  },
});

module.exports = { ROLES };
