/**
 * The errors: HeapError with a code for every misuse the heap detects (HeapErrorCode), and the
 * RangeError a bad size gets (badSize). Every check runs before anything is written.
 */
/** Every misuse the heap detects has its own code; the heap is left as it was. */
export const HeapErrorCode = {
  /** alloc/calloc/realloc size that is negative, fractional, NaN or larger than the heap can hold */
  BAD_SIZE: 'HAKMEM_BAD_SIZE',
  /** an alignment (alignedAlloc) that is not a power of two in [1, 2^30] */
  BAD_ALIGN: 'HAKMEM_BAD_ALIGN',
  /** free of a block that is already free */
  DOUBLE_FREE: 'HAKMEM_DOUBLE_FREE',
  /** a pointer outside the heap's bytes */
  OUT_OF_RANGE: 'HAKMEM_OUT_OF_RANGE',
  /** a pointer that is not a multiple of 8, or not an integer */
  MISALIGNED: 'HAKMEM_MISALIGNED',
  /** a pointer into the middle of a block */
  INTERIOR: 'HAKMEM_INTERIOR_POINTER',
  /** a pointer into the heap's control block or metadata */
  CONTROL: 'HAKMEM_CONTROL_POINTER',
  /** a pointer into memory that holds no block (a free page, or past a span's carved blocks) */
  NOT_ALLOCATED: 'HAKMEM_NOT_ALLOCATED',
  /** a header written by another heap (another salt) */
  FOREIGN: 'HAKMEM_FOREIGN_POINTER',
  /** a header that no state of this heap explains: the block's header was overwritten */
  CORRUPT: 'HAKMEM_CORRUPT_HEADER',
  /** validate() found a broken invariant */
  INVARIANT: 'HAKMEM_INVARIANT',
  /** an operation on a closed heap, or attach to one */
  CLOSED: 'HAKMEM_CLOSED',
  /** createHeap/attachHeap options that cannot work */
  BAD_OPTION: 'HAKMEM_BAD_OPTION',
  /** a heap placed over memory that is not its own: a byteOffset below `reservedBelow` (a module's data, stacks) */
  BAD_PLACEMENT: 'HAKMEM_BAD_PLACEMENT',
  /** a handle that is not a hakmem heap handle, or of another layout version */
  BAD_HANDLE: 'HAKMEM_BAD_HANDLE',
  /** every worker slot is taken */
  NO_SLOT: 'HAKMEM_NO_SLOT',
  /** the heap could not be stopped for a reclaim, detach or check (a worker stuck in a cold path) */
  BUSY: 'HAKMEM_BUSY',
  /** a slot that is not in the state the call needs (reclaim of a live slot, detach twice) */
  BAD_SLOT: 'HAKMEM_BAD_SLOT',
  /** this worker's slot was fenced or reclaimed (it was declared terminated): its heap refuses cold paths */
  RECLAIMED: 'HAKMEM_RECLAIMED',
} as const;
export type HeapErrorCode = (typeof HeapErrorCode)[keyof typeof HeapErrorCode];

/** Misuse the heap detected, with its code (`HeapErrorCode`) and the pointer concerned; the heap is left as it was. */
export class HeapError extends Error {
  override name = 'HeapError';
  constructor(
    readonly code: HeapErrorCode,
    message: string,
    readonly ptr?: number,
  ) {
    super(`${message} [${code}]`);
  }
}

/**
 * A caller's value for an error message. String() throws for some (an object whose toString is not
 * callable, a Symbol in a template): a bad value must get its coded error, never a TypeError.
 */
export function shown(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** The RangeError (with code HAKMEM_BAD_SIZE) for a size that cannot be allocated. */
export function badSize(size: unknown, why: string): RangeError & { code: HeapErrorCode } {
  const e = new RangeError(`bad size ${shown(size)}: ${why} [${HeapErrorCode.BAD_SIZE}]`) as RangeError & {
    code: HeapErrorCode;
  };
  e.code = HeapErrorCode.BAD_SIZE;
  return e;
}
