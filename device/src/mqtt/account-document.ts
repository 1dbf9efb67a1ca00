import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

/**
 * A small validated JSON document written atomically (temp file + fsync + rename + directory fsync),
 * with updates serialised. It has the shape of the store's `JsonDocument` so the account store can
 * move onto the shared store module without changing its callers.
 */
export interface AccountDocument<T> {
  readonly data: T;
  update(mutator: (draft: T) => void): Promise<T>;
}

export async function openAccountDocument<S extends z.ZodType>(file: string, schema: S, defaults: z.infer<S>): Promise<AccountDocument<z.infer<S>>> {
  type T = z.infer<S>;
  let current: T;
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} does not match its schema: ${parsed.error.message}`);
    current = parsed.data;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    current = schema.parse(defaults);
  }
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get data() {
      return current;
    },
    update(mutator) {
      const run = async () => {
        const draft = structuredClone(current);
        mutator(draft);
        // Validate before touching the disk: an invalid result throws and changes nothing.
        const next = schema.parse(draft);
        await writeAtomic(file, JSON.stringify(next, null, 2));
        current = next;
        return next;
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
