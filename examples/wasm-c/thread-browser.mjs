/** A thread's Worker entry in a browser (a module Worker). */
import { runThread } from './thread.mjs';

self.onmessage = async (e) => self.postMessage(await runThread(e.data));
