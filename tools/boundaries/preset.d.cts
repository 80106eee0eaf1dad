// Types of preset.cjs: the dependency-cruiser preset for your project (see README.md).
import type { Configuration } from './rules.cjs';

declare const preset: Configuration;
export = preset;
