/**
 * The error this box throws for an option that cannot work: a RangeError carrying the code the
 * umbrella's HeapError uses for the same thing (this box cannot import the arena's HeapError).
 * pool-refill, which imports this box, throws the same.
 */
/** The code of an option that cannot work (HeapErrorCode.BAD_OPTION). */
export const BAD_OPTION = 'HAKMEM_BAD_OPTION';

/** A RangeError for `msg`, with `code` BAD_OPTION, also at the end of its message. */
export function badOption(msg: string): RangeError & { code: typeof BAD_OPTION } {
  const e = new RangeError(`${msg} [${BAD_OPTION}]`) as RangeError & { code: typeof BAD_OPTION };
  e.code = BAD_OPTION;
  return e;
}

/** A caller's value for a message: a non-number by its type (String() throws for some objects). */
export const shownValue = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v);
