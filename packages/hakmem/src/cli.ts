#!/usr/bin/env node
/**
 * `hakmem diag`: the diagnostics table of a heap.
 *   hakmem diag <snapshot.json>            a saved snapshot (heap.diagnostics(), writeSnapshots())
 *   hakmem diag --watch <snapshot.json>    print it again whenever the running program rewrites it
 *   hakmem diag demo [--seconds N] [--workers N] [--out file]
 *                                          start a demo heap with workers here, attach to it and
 *                                          print its table every second (and write it to --out)
 * Flags: --workers-tables (one table per worker), --all (every class), --json (the snapshot).
 */
import { existsSync, readFileSync, watchFile } from 'node:fs';
import { checkHealth, formatDiagnostics, type FormatOptions, type Snapshot } from '@hakmem/pool-diagnostics';
import { runDemo } from './demo.js';

const USAGE = `usage: hakmem diag <snapshot.json> | --watch <snapshot.json> | demo [--seconds N] [--workers N] [--out file]
       flags: --workers-tables  --all  --json`;

function show(s: Snapshot, o: FormatOptions & { json?: boolean }): void {
  if (o.json) console.log(JSON.stringify(s, null, 2));
  else {
    console.log(formatDiagnostics(s, o));
    for (const w of checkHealth(s)) console.log(`warning: ${w.message}`);
  }
}

function load(file: string): Snapshot {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  if (s.version !== 1 || !Array.isArray(s.classes)) throw new Error(`${file} is not a hakmem snapshot`);
  return s;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'diag') {
    console.error(USAGE);
    return 2;
  }
  const args = argv.slice(1);
  const flag = (f: string) => args.includes(f);
  const value = (f: string) => {
    const i = args.indexOf(f);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const fmt = { workers: flag('--workers-tables'), allClasses: flag('--all'), json: flag('--json') };
  if (args[0] === 'demo') {
    await runDemo({
      seconds: Number(value('--seconds') ?? 5),
      workers: Number(value('--workers') ?? 2),
      out: value('--out'),
      every: (s) => show(s, fmt),
    });
    return 0;
  }
  const watch = value('--watch');
  const file = watch ?? args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`hakmem diag: no such file ${file}`);
    return 2;
  }
  show(load(file), fmt);
  if (watch) {
    watchFile(watch, { interval: 250 }, () => {
      try {
        console.log(`\n--- ${new Date().toISOString()}`);
        show(load(watch), fmt);
      } catch {
        // the writer is mid-write: the next change shows it
      }
    });
    await new Promise(() => {});
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`hakmem diag: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
