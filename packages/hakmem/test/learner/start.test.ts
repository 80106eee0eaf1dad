/**
 * Starting the learner (hakmem's src/learner/, on the built dist/): a Worker that starts takes the role and says so; one
 * that cannot start, never takes the role, or fails after it, is replaced by the inline learner,
 * and the handle and the stats say truthfully what runs. The Worker scripts that fail are in
 * test/fixtures (the `workerUrl` seam).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initLearnerState, initRing, learnerStateWords, MODE_INLINE, pushEvent, ringWords, LEARNER } from '@hakmem/ace-learning';
import { learnerSnapshot, ringCounters } from '@hakmem/pool-diagnostics';
import { startLearner, type LearnerHandle, type StartOptions } from '../../dist/learner/start.js';
import { configFor } from '../../dist/learner/config.js';
import { runLearnerLoop } from '../../dist/learner/loop.js';

const SIZES = [64, 1024];
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

function heap(): Omit<StartOptions, 'mode'> & { i32: Int32Array } {
  const ring = 0;
  const policy = ringWords(256);
  const state = policy + SIZES.length;
  const buffer = new SharedArrayBuffer(4 * (state + learnerStateWords(SIZES.length)));
  const i32 = new Int32Array(buffer);
  initRing(i32, ring, 256, { classes: SIZES.length, workers: 4 });
  initLearnerState(i32, state, SIZES.length);
  return { buffer, i32, ring, policy, state, classSizes: SIZES, defaults: [64, 32] };
}

/** Push `n` events and wait until the learner has read them all (a deadline, not a timing assertion). */
async function feed(h: ReturnType<typeof heap>, n: number): Promise<number> {
  for (let k = 0; k < n; k++) pushEvent(h.i32, h.ring, k & 1, 0, 64, 0, 1, 20, 0);
  for (let t = 0; t < 2000 && ringCounters(h.i32, h.ring).pending > 0; t++) await new Promise((ok) => setTimeout(ok, 5));
  return ringCounters(h.i32, h.ring).consumed;
}

const handles: LearnerHandle[] = [];
const start = (o: StartOptions) => {
  const l = startLearner(o);
  handles.push(l);
  return l;
};
afterEach(async () => {
  for (const l of handles.splice(0)) await l.stop();
});

describe('startLearner', () => {
  it('a Worker that starts: mode worker in the handle and the stats, events consumed; stopped after stop()', async () => {
    const h = heap();
    const l = start({ ...h, mode: 'auto' });
    expect(await l.started).toBe('worker');
    expect(l.mode).toBe('worker');
    expect(l.worker).not.toBeNull();
    expect(learnerSnapshot(h.i32, h.state).mode).toBe('worker');
    expect(await feed(h, 100)).toBe(100);
    await l.stop();
    expect([l.mode, learnerSnapshot(h.i32, h.state).mode]).toEqual(['stopped', 'stopped']);
  });

  it.each([
    ['cannot start (its script throws at load)', 'throws-at-load.mjs', {}],
    ['never takes the role within startTimeoutMs', 'never-ready.mjs', { startTimeoutMs: 200 }],
    ['takes the role, then fails', 'throws-after-start.mjs', {}],
  ])('a Worker that %s: the learner falls back to inline, events are consumed, the mode says inline', async (_, script, o) => {
    const h = heap();
    const l = start({ ...h, mode: 'auto', workerUrl: fixture(script), ...o });
    expect(await l.started).toBe('inline');
    expect(l.mode).toBe('inline');
    expect(l.worker).toBeNull();
    expect(await feed(h, 100)).toBe(100);
    const s = learnerSnapshot(h.i32, h.state);
    expect([s.mode, s.events]).toEqual(['inline', 100]);
  });

  it('a Worker terminated through the handle, running or still starting, leaves the learner stopped (no fallback)', async () => {
    for (const wait of [true, false]) {
      const h = heap();
      const l = start({ ...h, mode: 'auto' });
      if (wait) expect(await l.started).toBe('worker');
      await l.worker!.terminate();
      await new Promise((ok) => setTimeout(ok, 100)); // its 'exit' has come
      expect([await l.started, l.mode, learnerSnapshot(h.i32, h.state).mode]).toEqual([wait ? 'worker' : 'stopped', 'stopped', 'stopped']);
    }
  });

  it("mode 'worker' does not fall back: a Worker that cannot start leaves the learner stopped, and says so", async () => {
    const h = heap();
    const l = start({ ...h, mode: 'worker', workerUrl: fixture('throws-at-load.mjs') });
    expect(await l.started).toBe('stopped');
    expect([l.mode, learnerSnapshot(h.i32, h.state).mode]).toEqual(['stopped', 'stopped']);
  });

  it('a Worker that starts after the learner fell back finds the role taken and leaves the state alone', () => {
    const h = heap();
    Atomics.store(h.i32, h.state + LEARNER.MODE, MODE_INLINE);
    Atomics.store(h.i32, h.state + LEARNER.STOP, 1); // were it to run its loop, it would leave it at once
    const before = h.i32.slice(h.state);
    runLearnerLoop(configFor(h));
    expect(h.i32.slice(h.state)).toEqual(before);
  });

  it('the browser branch creates the Worker in the literal form bundlers recognise (in the built file)', () => {
    const built = readFileSync(new URL('../../dist/learner/spawn.js', import.meta.url), 'utf8');
    expect(built).toContain("new Worker(new URL('./learner-worker.js', import.meta.url), { type: 'module' })");
    // and the Worker's entry does not import start.js (which would make a bundler nest the Worker in itself)
    expect(readFileSync(new URL('../../dist/learner/learner-worker.js', import.meta.url), 'utf8')).not.toMatch(/from '\.\/(start|spawn)\.js'/);
  });

  it('a learner in its Worker does not keep the process alive (nor while it starts)', () => {
    // a script outside the workspace: both packages by their built files
    const hakmem = new URL('../../dist/index.js', import.meta.url).href;
    const ace = new URL('../../node_modules/@hakmem/ace-learning/dist/index.js', import.meta.url).href;
    const script = `
      import { startLearner } from '${hakmem}';
      import { initLearnerState, initRing, learnerStateWords, ringWords } from '${ace}';
      const buffer = new SharedArrayBuffer(4 * (ringWords(16) + 2 + learnerStateWords(2)));
      const i32 = new Int32Array(buffer);
      initRing(i32, 0, 16);
      initLearnerState(i32, ringWords(16) + 2, 2);
      const l = startLearner({ buffer, ring: 0, policy: ringWords(16), state: ringWords(16) + 2, classSizes: [64, 1024], defaults: [64, 32] });
      if (process.argv.includes('started')) {
        const alive = setTimeout(() => {}, 30_000); // the learner does not keep the process alive, so wait with a timer
        console.log(await l.started);
        clearTimeout(alive);
      }`;
    // a file, not -e: a Worker inherits the process's flags, and --input-type fails its start
    const dir = mkdtempSync(join(tmpdir(), 'learner-'));
    const file = join(dir, 'main.mjs');
    writeFileSync(file, script);
    try {
      for (const when of ['starting', 'started']) {
        const r = spawnSync(process.execPath, [file, when], { timeout: 15_000, encoding: 'utf8' });
        expect([r.signal, r.status, r.stdout.trim()]).toEqual([null, 0, when === 'started' ? 'worker' : '']);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
