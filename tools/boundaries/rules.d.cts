// Types of rules.cjs: the helpers that build hakmem's boundary rules (see README.md).

/** A severity of dependency-cruiser. */
export type Severity = 'error' | 'warn' | 'info' | 'ignore';

/** A role of Contract D (contract-d.cjs); also its directory under packages/ in the repository. */
export type Role = 'pool-tls' | 'arena' | 'ace-learning' | 'pool-refill' | 'pool-diagnostics' | 'hakmem';

/** The part of a dependency-cruiser "forbidden" rule these helpers write. */
export interface Rule {
  name: string;
  comment: string;
  severity: Severity;
  from: { path?: string | string[]; pathNot?: string | string[] };
  to: { path?: string | string[]; pathNot?: string | string[]; [key: string]: unknown };
}

/** The part of a dependency-cruiser configuration the preset and the repository's config use. */
export interface Configuration {
  extends?: string | string[];
  forbidden?: Rule[];
  options?: Record<string, unknown>;
}

/** A box of yours, for contractD(). */
export interface Box {
  /** the role of Contract D it plays */
  role: Role;
  /** a regular expression for its folder, relative to where depcruise runs, ending in '/' */
  path: string;
  /** its public entries by subpath, where they are not <path>index.* ('.') and <path><name>.* ('./<name>') */
  entries?: Record<string, string>;
}

/** What one role may import: an entry (exports-map subpath) of another role. */
export interface Allowed {
  role: Role;
  entry: string;
}

/** One row of the table of Contract D. */
export interface RoleSpec {
  package: string;
  title: string;
  mayImport: Allowed[] | '*';
  rule?: string;
  allows?: string;
  todo?: string;
}

/**
 * Contract D for boxes of yours: one rule per box (none for the umbrella role), named
 * `<box>-<rule of the role>`, e.g. `my-learner-imports-nothing-of-ours`.
 */
export declare function contractD(options: { boxes: Record<string, Box>; severity?: Severity }): Rule[];

/** The rules of the table for the repository's packages/<role>/ (what dependency-cruiser.cjs uses). */
export declare function contractDPackageRules(options?: { severity?: Severity }): Rule[];

/** The comment of the repository's rule for a role. */
export declare function roleComment(role: Role): string;

/** Escape a string for use inside a regular expression. */
export declare function esc(s: string): string;

/** Pattern for anything of package `name`. */
export declare function pkg(name: string, dir?: string, options?: { workspace?: boolean }): string;

/** Pattern for ONE public entry (exports-map subpath `sub`) of package `name`. */
export declare function entry(name: string, sub?: string, options?: { dir?: string; file?: string; workspace?: boolean }): string;

/** Files matching `from` may import, of `ours`, only `self` and `mayImport`. */
export declare function mayImportOnly(options: {
  name: string;
  comment: string;
  from: string;
  self: string;
  mayImport?: string[];
  ours?: readonly string[];
  severity?: Severity;
}): Rule;

/** A rule for packages/<box>/: it may import, of ours, only `mayImport`. */
export declare function boxMayImportOnly(options: { name: string; comment: string; box: string; mayImport?: string[]; severity?: Severity }): Rule;

/** The catch-all rule for packages under packages/ not in `listed`. */
export declare function unlistedPackagesRule(listed: readonly string[]): Rule;

/** "Ours" in the repository: packages/, and OURS_INSTALLED. */
export declare const OURS: readonly string[];
/** "Ours" in a user's project: hakmem and @hakmem/*, by name or installed in node_modules. */
export declare const OURS_INSTALLED: readonly string[];
/** A deep import by name into one of our packages' src/ or dist/. */
export declare const DEEP_IMPORT: string;
/** The roles of Contract D, in the order of the table. */
export declare const CONTRACT_D_PACKAGES: readonly Role[];
/** The table of Contract D (contract-d.cjs). */
export declare const ROLES: Readonly<Record<Role, RoleSpec>>;
/** Test files: *.test.ts and the like, anything in a test/ folder. */
export declare const TEST_FILES: string[];
