export { snapshot, type Snapshot, type Target, type ClassRow, type ClassCounts, type WorkerRow, type WorkerClass, type SnapshotOptions } from './snapshot.js';
export { formatDiagnostics, type FormatOptions } from './table.js';
export { checkHealth, watchHealth, type Warning, type HealthOptions, type HealthWatch } from './health.js';
export { HeapView } from '@hakmem/arena/stats';
export { ringCounters, learnerSnapshot, modeName, type RingCounters, type LearnerSnapshot, type LearnerMode, type ClassLearning } from './learning.js';
export { refillCounters, type RefillCounters, type CounterWords } from './refill-counters.js';
export { cachedOf, lowWaterOf, allocsOf, freesOf } from './formulas.js';

import { snapshot, type Target } from './snapshot.js';
import { formatDiagnostics, type FormatOptions } from './table.js';

/** Print the table of the heap at `t` (console.log). */
export function printDiagnostics(t: Target, o: FormatOptions = {}): void {
  console.log(formatDiagnostics(snapshot(t), o));
}
