import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The converters' command line: when `moduleUrl` is the script run, writes every conversion into the folder given
 * as the first argument (default: here), one line per file; a failure prints one line `<name>: …` and exits 1.
 */
export function runConverterCli(moduleUrl: string, name: string, conversions: Array<{ outputFile: string; convert: () => Uint8Array }>): void {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  try {
    const outDir = resolve(process.argv[2] ?? '.');
    mkdirSync(outDir, { recursive: true });
    for (const c of conversions) {
      const bytes = c.convert();
      const file = join(outDir, c.outputFile);
      writeFileSync(file, bytes);
      process.stdout.write(`${file} ${bytes.length} bytes\n`);
    }
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
