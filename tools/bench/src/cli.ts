/** `pnpm bench`: runs a benchmark over every allocator and prints the table (see ../README.md). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, USAGE } from './args.js';
import { runMixedBench } from './random-mixed/bench.js';
import { renderMixedReport } from './random-mixed/print.js';
import { machine } from './report/machine.js';

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const m = machine();
  const report = runMixedBench({
    params: args.params,
    repeat: args.repeat,
    only: args.only,
    slowDivisor: args.slowDivisor,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`\n${renderMixedReport(report, m)}\n`);
  if (args.json) {
    // pnpm runs the script in tools/bench: a relative path is taken from where pnpm was started
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), args.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ machine: m, quick: args.quick, ...report }, null, 2)}\n`);
    process.stdout.write(`\nJSON: ${file}\n`);
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
