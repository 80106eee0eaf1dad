/**
 * What the refill engine needs from a learner (Box 3): where the policy table and the event ring
 * are, and the two producer functions. Declared here, by the box that uses it, like the backend:
 * `@hakmem/ace-learning/producer` satisfies it (the umbrella wires the two), a learner of your own
 * can too, and a stack without a learner installs nothing of Box 3.
 */
export interface RefillLearner {
  /** word offset, in the cache's buffer, of the policy table (an Int32 per class) */
  policy: number;
  /** word offset of the event ring each refill reports to (with pushEvent; both optional) */
  ring?: number;
  /** this cache's worker slot, carried in every event */
  worker: number;
  /**
   * The refill count the table holds for `cls`, 0 for none yet. Called at refill time only, on
   * the refill's path: keep it to one Atomics.load (Contract B).
   */
  readPolicy(i32: Int32Array, policy: number, cls: number): number;
  /**
   * Per class, 0 where the learner wants no events: it never changes that class's count
   * (@hakmem/ace-learning's `learnableClasses`, marked in its state region), so its refills would teach it nothing. Such
   * refills are neither pushed nor counted. Every class is reported without it.
   */
  reports?: ArrayLike<number>;
  /**
   * Report one refill. Must never block, wait, allocate or throw (Contract A): return false when
   * the event is dropped; the engine counts it. Leave it out (with `ring`) for a policy table
   * that wants no events: nothing is pushed or counted.
   */
  pushEvent?(i32: Int32Array, ring: number, cls: number, worker: number, count: number, left: number, streak: number, sinceUs: number, cached: number): boolean;
}
