/** hakmem in larson with the learner off (fixed default refill counts): the same runner, another heap option. */
import { LEARNING, runner } from './hakmem.js';

LEARNING.on = false;
export { runner };
