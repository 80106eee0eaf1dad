export { createHeap, attachHeap } from './create.js';
export { Heap, CountingHeap, LowWaterHeap, HeaderlessHeap } from './heap.js';
export type { HeapHandle, HeapStats, LearningStats } from './api.js';
export type { HeapOptions } from './options.js';
export { mallocImports, EINVAL, ENOMEM, type MallocImports } from './c-imports.js';
export { startLearner, type LearnerHandle, type StartOptions, type WorkerConfig } from './learner/start.js';
export { threadCpuMs } from './learner/cpu.js';
export type { HeapArray, TypedArray, TypedArrayConstructor } from './typed.js';
export { HeapError, HeapErrorCode, type WasmMemory, type ValidateReport, type RegionStats, type ClassStats, type ReclaimReport } from '@hakmem/arena';
