import { compileNative, findGcc } from '../src/native/toolchain.js';

export const gcc = findGcc();

let bin: string | undefined;
/** The C port, compiled once per test file (undefined without gcc). */
export function nativeBinary(): string | undefined {
  if (!gcc) return undefined;
  bin ??= compileNative(gcc, 'random_mixed');
  return bin;
}

export function noticeNoGcc(what: string): void {
  if (!gcc) console.warn(`NOTICE: gcc not found: ${what} skipped (apt-get install gcc)`);
}
