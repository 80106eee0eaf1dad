/**
 * One JavaScript measurement in a process of its own:
 *   node --expose-gc child.js --runner NAME --params '{"cycles":..,"ws":..,"seed":..,"min":..,"max":..}'
 *        [--verify] [--count-calls] [--no-warmup] [--no-sampler] [--cpu K]
 * prints one JSON line (a ChildResult) on stdout.
 */
import { mixedAllocator } from './allocators.js';
import { checkParams, type MixedParams } from './params.js';
import { measureMixed, type MixedMeasurement } from './runner.js';

export interface ChildResult extends MixedMeasurement {
  runner: string;
  params: MixedParams;
}

async function main(argv: string[]): Promise<void> {
  let name = '';
  let params: MixedParams | undefined;
  const flags = new Set<string>();
  let cpu: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runner') name = argv[++i] ?? '';
    else if (a === '--params') params = checkParams(JSON.parse(argv[++i] ?? '{}') as MixedParams);
    else if (a === '--cpu') cpu = Number(argv[++i]);
    else if (a === '--verify' || a === '--count-calls' || a === '--no-warmup' || a === '--no-sampler') flags.add(a);
    else throw new Error(`child: unknown argument ${a}`);
  }
  const entry = mixedAllocator(name);
  if (!entry || entry.kind !== 'js') throw new Error(`child: no JavaScript runner named '${name}'`);
  if (!params) throw new Error('child: --params is required');
  if (cpu !== undefined && !(Number.isInteger(cpu) && cpu >= 0)) throw new Error('child: --cpu takes a CPU number');
  const { runner } = await entry.load();
  const m = measureMixed(runner, params, {
    warmup: !flags.has('--no-warmup'),
    verify: flags.has('--verify'),
    countCalls: flags.has('--count-calls'),
    sampler: !flags.has('--no-sampler'),
    cpu,
  });
  const out: ChildResult = { runner: name, params, ...m };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
