/** The package's entry: what `import ... from 'hakmem'` gives (the README lists it). */
export { createHeap, attachHeap } from './create.js';
export { Heap, CountingHeap, LowWaterHeap, HeaderlessHeap } from './heap.js';
export type { HeapHandle } from './handle.js';
export type { HeapStats, LearningStats } from './api/inspect.js';
export type { HeapOptions } from './options.js';
export { mallocImports, EINVAL, ENOMEM, type MallocImports, type MallocImportsOptions } from './c-imports.js';
export { startLearner, type LearnerHandle, type StartOptions, type WorkerConfig } from './learner/start.js';
export { threadCpuMs } from './learner/cpu.js';
export type { HeapArray, TypedArray, TypedArrayConstructor } from './typed.js';
export { HeapError, HeapErrorCode, type WasmMemory, type ValidateReport, type RegionStats, type ClassStats, type ReclaimReport } from '@hakmem/arena';
