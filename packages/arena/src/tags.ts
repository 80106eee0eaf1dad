/**
 * Block header word 0 (headered heaps). One word tells a block's state, so `free` checks a block
 * with a single compare and a dead worker's blocks can be told apart from everyone else's.
 *
 *   bits 31..20  heap salt (random per heap, never 0)
 *   bits 19..16  state
 *   bits 15..8   worker slot (CACHE and REMOTE states), else 0
 *   bits  7..0   size class (255 for a large run)
 *
 * Word 1 is the free-list link while the block is free, and the page count of a large run.
 */

export const ST_ALLOC = 1; // handed to the user
/** in a worker's cache list (the slot is in bits 15..8) */
export const ST_CACHE = 2;
/** in its span's free list */
export const ST_SPAN = 3;
/** on its way to, or in, an owner's inbox */
export const ST_REMOTE = 4;
/** a large run handed to the user */
export const ST_LARGE = 5;
export const ST_FREEING = 6; // a large run being freed by the worker in the slot field (claimed by compareExchange)

/** the slot field of a REMOTE tag for blocks on their way to the abandoned-span inbox */
export const ABANDONED_SLOT = 255;

export const SALT_BITS = 12;
export const SALT_SHIFT = 20;

/** A block header's word 0: the heap's salt, the block's state (ST_*), a slot and a class. */
export const tag = (salt: number, state: number, slot: number, cls: number): number =>
  (salt << SALT_SHIFT) | (state << 16) | (slot << 8) | cls;

/** The state (ST_*) of a header's word 0. */
export const tagState = (w: number): number => (w >>> 16) & 0xf;
/** The slot of a header's word 0. */
export const tagSlot = (w: number): number => (w >>> 8) & 0xff;
/** The class of a header's word 0. */
export const tagClass = (w: number): number => w & 0xff;
export const tagSalt = (w: number): number => w >>> SALT_SHIFT;

/** The "allocated" tag of class 0; `| cls` gives any class. */
export const allocBase = (salt: number): number => tag(salt, ST_ALLOC, 0, 0);
/** The "in worker `slot`'s cache" tag of class 0. */
export const cacheBase = (salt: number, slot: number): number => tag(salt, ST_CACHE, slot, 0);

export function newSalt(): number {
  // Math.random is enough: the salt catches mistakes, it is not a security boundary.
  return 1 + Math.floor(Math.random() * ((1 << SALT_BITS) - 1));
}
