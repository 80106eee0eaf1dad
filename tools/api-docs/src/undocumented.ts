/**
 * The check: every symbol a published entry point exports has a doc comment (`/** ... *\/`) on at
 * least one of its declarations, found through re-exports with the TypeScript compiler API. Only
 * what a user can import is checked (an entry's exports), not the members of each class.
 */
import ts from 'typescript';
import type { Entry } from './workspace.js';

/** An exported symbol without a doc comment, and where it is declared. */
export interface Missing {
  specifier: string;
  name: string;
  /** `path:line` of its first declaration */
  at: string;
}

function documented(decl: ts.Declaration): boolean {
  // a variable's comment sits on its statement; getJSDocCommentsAndTags looks there too
  return ts.getJSDocCommentsAndTags(decl).length > 0;
}

/** The exports of `entries` that have no doc comment, sorted by entry and name. */
export function undocumentedExports(entries: readonly Entry[], root: string): Missing[] {
  const program = ts.createProgram(
    entries.map((e) => e.file),
    {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      customConditions: ['source'], allowJs: true, noEmit: true, skipLibCheck: true, types: [],
    },
  );
  const checker = program.getTypeChecker();
  const out: Missing[] = [];
  for (const e of entries) {
    const sf = program.getSourceFile(e.file);
    if (!sf) throw new Error(`${e.specifier}: cannot read ${e.file}`);
    const mod = checker.getSymbolAtLocation(sf);
    if (!mod) continue; // no exports at all
    for (const exp of checker.getExportsOfModule(mod)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const decls = sym.declarations ?? [];
      if (decls.length === 0 || decls.some(documented)) continue;
      const d = decls[0];
      const f = d.getSourceFile();
      const line = f.getLineAndCharacterOfPosition(d.getStart()).line + 1;
      out.push({ specifier: e.specifier, name: exp.name, at: `${f.fileName.replace(`${root}/`, '')}:${line}` });
    }
  }
  return out.sort((a, b) => a.specifier.localeCompare(b.specifier) || a.name.localeCompare(b.name));
}
