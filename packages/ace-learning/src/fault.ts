/**
 * Named fault points, for tests that stop a worker at an exact step of a cold path ("the worker
 * dies here"). A test sets `globalThis.__hakmemFault = (step) => { ... }` before the worker first
 * imports a hakmem package; the function may end the thread there (`process.exit()` in a Node
 * Worker). Read once at load: without it every `fault()` is a test of a constant. Never on the
 * hot path. The step names are listed in the package README ("Fault points").
 */
type FaultHook = (step: string) => void;

const hook: FaultHook | undefined = (globalThis as { __hakmemFault?: FaultHook }).__hakmemFault;

export function fault(step: string): void {
  if (hook !== undefined) hook(step);
}
