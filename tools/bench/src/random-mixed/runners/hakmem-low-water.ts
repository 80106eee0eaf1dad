/** hakmem with counters and exact low-water marks (counters: 'low-water'), the learner on. */
import { COUNTERS, runner } from './hakmem.js';

COUNTERS.on = 'low-water';
export { runner };
