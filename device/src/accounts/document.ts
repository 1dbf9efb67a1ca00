import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

/**
 * The persistence shape the accounts layer needs: a validated JSON document with serialised,
 * atomic updates. Helper E's `openDocument` in device/src/store/ has the same shape; this small
 * implementation keeps accounts usable on its own (tmp file + fsync + rename + fsync dir).
 */
export interface Doc<T> {
  readonly data: T;
  update(mutate: (draft: T) => T | void): Promise<T>;
}

export async function openJsonDoc<S extends z.ZodType>(file: string, schema: S, defaults: z.infer<S>): Promise<Doc<z.infer<S>>> {
  type T = z.infer<S>;
  await mkdir(dirname(file), { recursive: true });
  let data: T;
  try {
    data = schema.parse(JSON.parse(await readFile(file, 'utf8'))) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: unreadable or invalid (${(e as Error).message})`);
    data = schema.parse(defaults) as T;
  }
  let queue: Promise<unknown> = Promise.resolve();
  const write = async (next: T) => {
    const tmp = `${file}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(next, null, 1));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    const dh = await open(dirname(file), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  };
  return {
    get data() {
      return data;
    },
    update(mutate) {
      const run = queue.then(async () => {
        const draft = structuredClone(data);
        const returned = mutate(draft);
        // Validate before writing: an invalid result throws and changes nothing.
        const next = schema.parse(returned === undefined ? draft : returned) as T;
        await write(next);
        data = next;
        return next;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
