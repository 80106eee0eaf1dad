/** A thread's Worker entry in Node (worker_threads). */
import { parentPort, workerData } from 'node:worker_threads';
import { runThread } from './thread.mjs';

parentPort.postMessage(await runThread(workerData));
