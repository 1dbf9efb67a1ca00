import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic-file.js';
import { StoreError } from './errors.js';

/**
 * lowdb adapter whose writes are crash-safe (tmp + fsync + rename + fsync dir; lowdb's own JSONFile
 * renames through steno but never fsyncs). A file that exists but does not parse is reported as a
 * typed `corrupt` error instead of being silently replaced by defaults.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly indent = 0,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new StoreError('corrupt', `${this.file}: not valid JSON (${(e as Error).message})`);
    }
  }

  write(data: T): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(data, null, this.indent || undefined));
  }
}
