/** `pnpm --filter @hakmem/api-docs check`: list the exported symbols that have no doc comment; exit 1 if any. */
import { undocumentedExports } from './undocumented.js';
import { packageDirs, publishedEntries, ROOT } from './workspace.js';

const missing = undocumentedExports(publishedEntries(packageDirs(ROOT)), ROOT);
for (const m of missing) console.log(`${m.specifier}: ${m.name} (${m.at}) has no doc comment`);
console.log(missing.length === 0 ? 'every exported symbol is documented' : `${missing.length} exported symbols without a doc comment`);
process.exitCode = missing.length === 0 ? 0 : 1;
