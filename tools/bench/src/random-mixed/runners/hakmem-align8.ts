/** hakmem with 8-byte block alignment (createHeap({ align: 8 })): the same runner, another heap option. */
import { ALIGN, runner } from './hakmem.js';

ALIGN.to = 8;
export { runner };
