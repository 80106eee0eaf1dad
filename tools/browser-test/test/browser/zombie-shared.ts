/**
 * The words a zombie worker and a churn worker report through while they run (a small shared
 * Int32Array: a terminated Worker's messages are never delivered, its writes to shared memory are).
 */
export const Z = {
  /** the zombie's slot, -1 until attached */
  SLOT: 0,
  /** the zombie's loop count: it goes on moving after terminate() */
  BEAT: 1,
  /** 1 once the zombie's heap call threw HAKMEM_RECLAIMED (fenced), 2 if it threw anything else */
  FENCED: 2,
  /** blocks whose stamp the zombie found damaged when it checked them before a free */
  ZOMBIE_DAMAGED: 3,
  /** set by the page: the churn worker stops, frees, detaches and reports */
  STOP: 4,
  /** the churn worker's loop count */
  CHURN_BEAT: 5,
  /** heap calls of the zombie that succeeded after terminate() (it reads the flag below) */
  AFTER_TERMINATE: 6,
  TERMINATED: 7,
  /** the first other error's code, as an index into CODES + 1 */
  OTHER_ERROR: 8,
  WORDS: 16,
} as const;

export const CODES = [
  'HAKMEM_DOUBLE_FREE', 'HAKMEM_OUT_OF_RANGE', 'HAKMEM_MISALIGNED', 'HAKMEM_INTERIOR_POINTER', 'HAKMEM_CONTROL_POINTER',
  'HAKMEM_NOT_ALLOCATED', 'HAKMEM_FOREIGN_POINTER', 'HAKMEM_CORRUPT_HEADER', 'HAKMEM_INVARIANT', 'HAKMEM_CLOSED',
  'HAKMEM_NO_SLOT', 'HAKMEM_BUSY', 'HAKMEM_BAD_SLOT', 'HAKMEM_BAD_SIZE',
];
