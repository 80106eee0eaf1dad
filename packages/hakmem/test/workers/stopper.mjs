// Holds a heap stopped (as an observer) for `ms`, then lets it go: a cold path meanwhile waits.
import { parentPort, workerData } from 'node:worker_threads';
import { observerId, Region, resumeTheWorld, stopTheWorld } from '@hakmem/arena';

const { buffer, byteOffset, ms } = workerData;
const r = Region.attach(buffer, byteOffset);
const me = observerId(r);
stopTheWorld(r, me);
parentPort.postMessage('stopped');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
resumeTheWorld(r, me);
