/**
 * One shifting-workload measurement in a process of its own:
 *   node child.js --learning on|off [--cycles N]
 * A short untimed run first (JIT warm-up, its own heap), then the measured one; prints one JSON line.
 */
import { runShifting, SHIFT_DEFAULTS } from './shifting.js';

async function main(argv: string[]): Promise<void> {
  let learning = true;
  let cycles = SHIFT_DEFAULTS.cycles;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--learning') learning = argv[++i] !== 'off';
    else if (argv[i] === '--cycles') cycles = Number(argv[++i]);
    else throw new Error(`learning child: unknown argument ${argv[i]}`);
  }
  await runShifting(learning, { ...SHIFT_DEFAULTS, cycles: 2 });
  const r = await runShifting(learning, { ...SHIFT_DEFAULTS, cycles });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
