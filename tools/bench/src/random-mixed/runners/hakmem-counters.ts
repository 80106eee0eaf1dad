/** hakmem with the hot-path counters on (counters: true: hits), the learner on: the metrics-overhead row. */
import { COUNTERS, runner } from './hakmem.js';

COUNTERS.on = true;
export { runner };
