// Types of contract-d.cjs: the table of Contract D, as data.
import type { Role, RoleSpec } from './rules.cjs';

export type { Allowed, Role, RoleSpec } from './rules.cjs';

/** The table of Contract D: for each role, its package and what of ours it may import. */
export declare const ROLES: Readonly<Record<Role, RoleSpec>>;
