import { Low } from 'lowdb';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { ensureDir, removeStaleTemps } from './atomic-file.js';
import { DurableJsonFile } from './durable-json-file.js';
import { StoreError } from './errors.js';
import { deepFreeze, type DeepReadonly } from './freeze.js';

/**
 * A small validated JSON document (settings, cameras, staff, users…) on lowdb.
 * - `data` is the last durable, validated value, frozen so nobody mutates it behind the store's back.
 * - `update` runs one at a time; the mutator works on a copy, the result is validated BEFORE the
 *   write (an invalid result throws StoreError('invalid') and changes nothing), then written
 *   atomically; only after the write does `data` change.
 */
export interface JsonDocument<T> {
  readonly file: string;
  readonly data: DeepReadonly<T>;
  update(mutator: (draft: T) => T | void): Promise<T>;
}

export async function openDocument<S extends z.ZodType>(
  file: string,
  schema: S,
  defaults: z.input<S>,
): Promise<JsonDocument<z.output<S>>> {
  type T = z.output<S>;
  await ensureDir(dirname(file));
  await removeStaleTemps(file);
  const adapter = new DurableJsonFile<T>(file, 1);
  const raw = await adapter.read();
  const parsed = schema.safeParse(raw ?? defaults);
  if (!parsed.success) {
    const code = raw === null ? 'invalid' : 'corrupt';
    throw new StoreError(code, `${file}: ${raw === null ? 'defaults' : 'content'} do not validate`, parsed.error.issues);
  }
  const db = new Low<T>(adapter, deepFreeze(parsed.data as T));
  let queue: Promise<unknown> = Promise.resolve();

  const apply = async (mutator: (draft: T) => T | void): Promise<T> => {
    const draft = structuredClone(db.data) as T;
    const returned = mutator(draft);
    const candidate = returned === undefined ? draft : returned;
    const checked = schema.safeParse(candidate);
    if (!checked.success) throw new StoreError('invalid', `${file}: update rejected`, checked.error.issues);
    await adapter.write(checked.data as T);
    db.data = deepFreeze(checked.data as T);
    return db.data;
  };

  return {
    file,
    get data() {
      return db.data as DeepReadonly<T>;
    },
    update(mutator) {
      const run = queue.then(() => apply(mutator));
      queue = run.catch(() => {});
      return run;
    },
  };
}
