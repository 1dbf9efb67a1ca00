import { Low } from 'lowdb';
import { copyFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { ensureDir, removeStaleTemps } from './atomic-file.js';
import { DurableJsonFile } from './durable-json-file.js';
import { isStoreError, StoreError } from './errors.js';
import { repairToSchema, type DroppedValue } from './document-repair.js';
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

/** What opening a repairable document had to drop; the original file is kept at `rejectedCopy`. */
export interface DocumentRepairReport {
  file: string;
  rejectedCopy: string;
  /** Null when the file was not JSON at all (the defaults were used). */
  dropped: DroppedValue[] | null;
}

export interface OpenDocumentOptions {
  /**
   * Open a file that does not validate (or parse) anyway: drop only the wrong values (defaults apply),
   * keep the original beside it, write the repaired document and report what was dropped. Without
   * this, such a file is a `corrupt` error.
   */
  repair?: (report: DocumentRepairReport) => void;
}

export async function openDocument<S extends z.ZodType>(
  file: string,
  schema: S,
  defaults: z.input<S>,
  options: OpenDocumentOptions = {},
): Promise<JsonDocument<z.output<S>>> {
  type T = z.output<S>;
  await ensureDir(dirname(file));
  await removeStaleTemps(file);
  const adapter = new DurableJsonFile<T>(file, 1);
  const initial = await readValidated(adapter, schema, defaults, options);
  const db = new Low<T>(adapter, deepFreeze(initial as T));
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

async function readValidated<S extends z.ZodType>(adapter: DurableJsonFile<z.output<S>>, schema: S, defaults: z.input<S>, options: OpenDocumentOptions): Promise<z.output<S>> {
  const { file } = adapter;
  let raw: unknown;
  try {
    raw = await adapter.read();
  } catch (e) {
    if (!options.repair || !isStoreError(e, 'corrupt')) throw e;
    return repairAndReport(adapter, schema.parse(defaults), null, options.repair);
  }
  const parsed = schema.safeParse(raw ?? defaults);
  if (parsed.success) return parsed.data;
  if (raw === null || !options.repair) {
    const code = raw === null ? 'invalid' : 'corrupt';
    throw new StoreError(code, `${file}: ${raw === null ? 'defaults' : 'content'} do not validate`, parsed.error.issues);
  }
  const repaired = repairToSchema(schema, raw);
  if (repaired) return repairAndReport(adapter, repaired.value, repaired.dropped, options.repair);
  return repairAndReport(adapter, schema.parse(defaults), [{ path: '', message: 'nothing in the file could be used' }], options.repair);
}

async function repairAndReport<T>(adapter: DurableJsonFile<T>, value: T, dropped: DroppedValue[] | null, report: (r: DocumentRepairReport) => void): Promise<T> {
  const rejectedCopy = `${adapter.file}.rejected-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await copyFile(adapter.file, rejectedCopy);
  await adapter.write(value);
  report({ file: adapter.file, rejectedCopy, dropped });
  return value;
}
