import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';

/** The TypeScript source files under a repository folder (tests read sources, not dist, so types count too). */
export function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(p);
    }
  };
  walk(resolve(repoRoot, folder));
  return out.sort();
}

/** Every module specifier a file names: static imports and re-exports (type-only too) and dynamic imports. */
export function specifiers(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of src.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gms)) found.add(m[1]);
  for (const m of src.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.add(m[1]);
  for (const m of src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.add(m[1]);
  return [...found];
}

/** A relative specifier as a repository path of its .ts source (`../x.js` → `device/src/x.ts`); else null. */
export function resolveLocal(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return relative(repoRoot, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
}

/** `from` and what it names, for every import of the files, as repository paths or package names. */
export function importsOf(files: string[]): { from: string; to: string }[] {
  return files.flatMap((f) =>
    specifiers(f).map((s) => ({ from: relative(repoRoot, f), to: resolveLocal(f, s) ?? s })),
  );
}
