// Types of dependency-cruiser.cjs: the hakmem repository's own configuration.
import type { Configuration } from './rules.cjs';

declare const config: Configuration;
export = config;
