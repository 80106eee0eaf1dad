/**
 * Each thread's CPU time in a child process, read from /proc/<pid>/task/<tid>/stat while the child
 * runs (every few ms, from this process: a thread that exits before the child, a larson worker or
 * a learner's Worker, is counted with its last reading). Linux only.
 *   node dist/report/thread-cpu.js [--every MS] -- COMMAND ARGS...
 * prints the child's stdout, then each thread (tid, name, CPU ms: user + system) and the total.
 * What it answers: which thread spends the CPU a paired figure differs by (the main thread, V8's
 * platform threads that compile and collect, or the workers).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ThreadCpu {
  tid: number;
  /** the thread's name (comm): Node names few of its threads, most read 'node' */
  name: string;
  /** user + system CPU time, ms, at its last reading */
  cpuMs: number;
}

export interface ThreadCpuRun {
  code: number | null;
  stdout: string;
  stderr: string;
  threads: ThreadCpu[];
}

/** Name and CPU ms of one /proc/.../stat line (the name may hold spaces and parentheses: it ends at the last ')'). */
export function parseTaskStat(text: string, ticksPerSec: number): { name: string; cpuMs: number } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`thread-cpu: not a stat line: ${text.slice(0, 80)}`);
  // after the name: state (field 3), ... utime (14) and stime (15), i.e. the 12th and 13th from here
  const f = text.slice(close + 2).trim().split(/\s+/);
  const ticks = Number(f[11]) + Number(f[12]);
  if (!Number.isFinite(ticks)) throw new Error(`thread-cpu: no utime/stime in: ${text.slice(0, 80)}`);
  return { name: text.slice(open + 1, close), cpuMs: (ticks * 1000) / ticksPerSec };
}

/** The kernel's clock ticks per second (USER_HZ), 100 where `getconf` cannot say. */
export function ticksPerSecond(): number {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
}

/** Run `cmd args` and read its threads' CPU every `everyMs` until it exits. */
export function threadCpu(cmd: string, args: string[], everyMs = 5): Promise<ThreadCpuRun> {
  if (process.platform !== 'linux') return Promise.reject(new Error('thread-cpu: needs Linux (/proc/<pid>/task)'));
  const hz = ticksPerSecond();
  const seen = new Map<number, ThreadCpu>();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const read = () => {
    const dir = `/proc/${child.pid}/task`;
    let tids: string[];
    try {
      tids = readdirSync(dir);
    } catch {
      return; // not started yet, or gone
    }
    for (const t of tids) {
      try {
        const s = parseTaskStat(readFileSync(`${dir}/${t}/stat`, 'utf8'), hz);
        seen.set(Number(t), { tid: Number(t), ...s });
      } catch {
        // the thread exited between the listing and the read: its last reading stands
      }
    }
  };
  const timer = setInterval(read, everyMs);
  return new Promise((ok, fail) => {
    child.on('error', (e) => {
      clearInterval(timer);
      fail(e);
    });
    // 'exit' before the process is reaped: one last reading of the threads still listed
    child.on('exit', () => read());
    child.on('close', (code) => {
      clearInterval(timer);
      ok({ code, stdout, stderr, threads: [...seen.values()].sort((a, b) => a.tid - b.tid) });
    });
  });
}

/** The threads as text lines: tid, name, CPU ms, and the total. */
export function renderThreadCpu(threads: ThreadCpu[]): string {
  const total = threads.reduce((a, t) => a + t.cpuMs, 0);
  return [
    'thread CPU (user + system, ms; /proc/<pid>/task/<tid>/stat, last reading of each thread):',
    ...threads.map((t) => `${String(t.tid).padStart(8)}  ${t.name.padEnd(16)}  ${t.cpuMs.toFixed(0).padStart(7)}`),
    `${'total'.padStart(8)}  ${''.padEnd(16)}  ${total.toFixed(0).padStart(7)}`,
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--');
  const opts = at < 0 ? [] : argv.slice(0, at);
  const cmd = at < 0 ? argv : argv.slice(at + 1);
  let every = 5;
  for (let i = 0; i < opts.length; i++) {
    if (opts[i] === '--every') every = Number(opts[++i]);
    else throw new Error(`thread-cpu: unknown option ${opts[i]} (--every MS -- COMMAND ARGS...)`);
  }
  if (!(every > 0)) throw new Error('thread-cpu: --every needs a number of ms above 0');
  if (cmd.length === 0) throw new Error('usage: thread-cpu [--every MS] -- COMMAND ARGS...');
  const r = await threadCpu(cmd[0], cmd.slice(1), every);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.stdout.write(`${renderThreadCpu(r.threads)}\n`);
  if (r.code !== 0) process.exitCode = r.code ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
