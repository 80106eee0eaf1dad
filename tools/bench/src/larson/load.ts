/** The larson runners by name, loaded lazily: a process (or Worker) loads only its own. */
import type { LarsonRunner, LoopState } from './runner.js';

export const LARSON_JS_RUNNERS = ['limit', 'hakmem', 'hakmem-fixed', 'smo'] as const;

export async function loadLarsonRunner(name: string): Promise<LarsonRunner<unknown, LoopState>> {
  switch (name) {
    case 'limit':
      return (await import('./runners/limit.js')).runner as unknown as LarsonRunner<unknown, LoopState>;
    case 'hakmem':
      return (await import('./runners/hakmem.js')).runner as unknown as LarsonRunner<unknown, LoopState>;
    case 'hakmem-fixed':
      return (await import('./runners/hakmem-fixed.js')).runner as unknown as LarsonRunner<unknown, LoopState>;
    case 'smo':
      return (await import('./runners/smo.js')).runner as unknown as LarsonRunner<unknown, LoopState>;
    default:
      throw new Error(`larson: no JavaScript runner named '${name}' (known: ${LARSON_JS_RUNNERS.join(', ')})`);
  }
}
