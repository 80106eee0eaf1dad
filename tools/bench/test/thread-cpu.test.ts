/**
 * Thread CPU readings (src/report/thread-cpu.ts): the stat line's parse, and a child whose Worker
 * spins and exits before the child does: the Worker's thread is still counted (read while it ran).
 */
import { describe, expect, it } from 'vitest';
import { parseTaskStat, renderThreadCpu, threadCpu } from '../src/report/thread-cpu.js';

describe('thread CPU', () => {
  it('parses a stat line, a name with spaces and parentheses included', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = '4242 (V8 (a) Worker) S 1 4242 4242 0 -1 4194368 120 0 0 0 37 5 0 0 20 0 9 0 100 0 0';
    expect(parseTaskStat(line, 100)).toEqual({ name: 'V8 (a) Worker', cpuMs: 420 });
    expect(parseTaskStat(line, 1000)).toEqual({ name: 'V8 (a) Worker', cpuMs: 42 });
    expect(() => parseTaskStat('no name here', 100)).toThrow(/not a stat line/);
  });

  it.runIf(process.platform === 'linux')('counts a thread that exited before the child did', async () => {
    // the Worker spins 3e8 iterations (well over 10 ms of CPU on any machine), then exits; the
    // main thread then waits 300 ms, so the Worker's thread is gone from /proc when the child ends
    const script = `
      const { Worker } = require('node:worker_threads');
      const w = new Worker('let s = 0; for (let i = 0; i < 3e8; i++) s += i & 1; require("node:worker_threads").parentPort.postMessage(s);', { eval: true });
      w.on('message', () => {});
      w.on('exit', () => setTimeout(() => console.log('done'), 300));
    `;
    const r = await threadCpu(process.execPath, ['-e', script]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('done');
    const [main, ...others] = r.threads;
    expect(main.tid).toBeGreaterThan(0);
    // the busiest thread is not the main one: the Worker's, read while it still ran
    const busiest = others.reduce((a, t) => (t.cpuMs > a.cpuMs ? t : a));
    expect(busiest.cpuMs).toBeGreaterThan(10);
    expect(busiest.cpuMs).toBeGreaterThan(main.cpuMs);
    expect(renderThreadCpu(r.threads)).toMatch(/total\s+\d+$/);
  });
});
