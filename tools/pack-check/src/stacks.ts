/**
 * The stacks a user builds from the boxes, and what each installs. The tests install exactly
 * `installs` from the tarballs (offline, so nothing else can sneak in) and run `files`.
 */
export interface Stack {
  name: string;
  what: string;
  /** the packages the user names in `npm install` */
  installs: string[];
  /** fixture files for the JavaScript run and the TypeScript build, by path in the project */
  js: Record<string, string>;
  ts: Record<string, string>;
}

export const STACKS: readonly Stack[] = [
  {
    name: 'fixed-policy',
    what: 'pool-tls + pool-refill + arena, no learner, refill counts of your own',
    installs: ['@hakmem/pool-tls', '@hakmem/pool-refill', '@hakmem/arena'],
    js: { 'js/run.mjs': 'js/run.mjs', 'js/stack.mjs': 'js/arena-stack.mjs' },
    ts: { 'src/run.ts': 'ts/run.ts', 'src/stack.ts': 'ts/arena-stack.ts', 'src/stamps.ts': 'ts/stamps.ts' },
  },
  {
    name: 'own-backend',
    what: 'pool-tls + pool-refill on a backend you wrote (RefillBackend)',
    installs: ['@hakmem/pool-tls', '@hakmem/pool-refill'],
    js: { 'js/run.mjs': 'js/run.mjs', 'js/stack.mjs': 'js/own-backend.mjs' },
    ts: { 'src/run.ts': 'ts/run.ts', 'src/stack.ts': 'ts/own-backend.ts', 'src/stamps.ts': 'ts/stamps.ts' },
  },
  {
    name: 'umbrella',
    what: 'hakmem: every box wired, the learner on',
    installs: ['hakmem'],
    js: { 'js/run.mjs': 'js/umbrella.mjs' },
    ts: { 'src/run.ts': 'ts/umbrella.ts', 'src/types.ts': 'ts/umbrella-types.ts' },
  },
];
