import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, PRIVATE_DIR_MODE } from './atomic-file.js';
import { z } from 'zod';
import { Visit, VisitEvent } from '../contracts/visit.js';
import { dataDir } from '../util/paths.js';
import { CropStore } from './crop-store.js';
import { DayLog } from './day-log.js';
import { EmbeddingStore } from './embedding-store.js';
import { openDocument, type JsonDocument, type OpenDocumentOptions } from './json-document.js';
import { ShardedRecords } from './sharded-records.js';

/** Folder names for logs and tables: safe characters, and never one the store itself uses. */
function checkedName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name) || ['visits', 'events', 'embeddings', 'crops'].includes(name)) {
    throw new Error(`bad or reserved store folder name ${JSON.stringify(name)}`);
  }
  return name;
}

/** A visit event as kept in the events history (one record per emitted event). */
export const StoredVisitEvent = VisitEvent.extend({ id: z.string().min(1).max(64) });
export type StoredVisitEvent = z.infer<typeof StoredVisitEvent>;

export interface ApplianceStoreOptions {
  /** Root of the appliance's state; defaults to dataDir() (CVA_DATA_DIR). */
  dir?: string;
  /**
   * The embeddings: an EmbeddingStore already open elsewhere (e.g. the identity store's, so there is
   * one writer per file). Omit both this and `embeddingDim` for none.
   */
  embeddings?: EmbeddingStore;
  /** Open `<dir>/embeddings` here with this vector length (128 for the face-api ResNet). */
  embeddingDim?: number;
  /** Day files of each log kept parsed in memory. */
  cacheDays?: number;
}

export interface ForgetReport {
  embeddings: number;
  crops: number;
}

/**
 * Everything the appliance keeps on disk, opened in one place:
 *   <dir>/<name>.json              documents (settings, cameras, staff, users…)
 *   <dir>/<name>/NN.json           sharded tables (person-stats…)
 *   <dir>/visits/YYYY-MM-DD.json   visits, by arrival day (UTC)
 *   <dir>/events/YYYY-MM-DD.json   visit events history
 *   <dir>/embeddings/              vectors-<gen>.bin + index.json
 *   <dir>/crops/<kind>/<id>.jpg    face crops
 */
export class ApplianceStore {
  private constructor(
    readonly dir: string,
    readonly visits: DayLog<Visit>,
    readonly visitEvents: DayLog<StoredVisitEvent>,
    readonly embeddings: EmbeddingStore | null,
    private readonly ownsEmbeddings: boolean,
    readonly crops: CropStore,
    private readonly cacheDays: number,
  ) {}

  static async open(options: ApplianceStoreOptions): Promise<ApplianceStore> {
    const dir = options.dir ?? dataDir();
    // The data folder itself is private: files an older version wrote 0644 are unreachable through it.
    await ensureDir(dir);
    await chmod(dir, PRIVATE_DIR_MODE);
    const cacheDays = options.cacheDays ?? 8;
    const visits = await DayLog.open<Visit>({ dir: join(dir, 'visits'), schema: Visit, timeOf: (v) => Date.parse(v.arrivedAt), idPrefix: 'V', cacheDays });
    const visitEvents = await DayLog.open<StoredVisitEvent>({
      dir: join(dir, 'events'),
      schema: StoredVisitEvent,
      timeOf: (e) => Date.parse(e.at),
      idPrefix: 'EV',
      cacheDays: 2,
    });
    const owns = !options.embeddings && options.embeddingDim !== undefined;
    const embeddings = options.embeddings ?? (owns ? await EmbeddingStore.open({ dir: join(dir, 'embeddings'), dim: options.embeddingDim! }) : null);
    const crops = await CropStore.open(join(dir, 'crops'));
    return new ApplianceStore(dir, visits, visitEvents, embeddings, owns, crops, cacheDays);
  }

  /** A validated document `<dir>/<name>.json` (name: lowercase letters, digits, - and _). */
  document<S extends z.ZodType>(name: string, schema: S, defaults: z.input<S>, options?: OpenDocumentOptions): Promise<JsonDocument<z.output<S>>> {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) throw new Error(`bad document name ${JSON.stringify(name)}`);
    return openDocument(join(this.dir, `${name}.json`), schema, defaults, options);
  }

  /** A large keyed table `<dir>/<name>/NN.json`, sharded so a change rewrites 1/64 of it. */
  records<V>(name: string, valueSchema: z.ZodType<V>): Promise<ShardedRecords<V>> {
    return ShardedRecords.open(join(this.dir, checkedName(name)), valueSchema);
  }

  /** Another day-segmented log `<dir>/<name>/` (audit entries, …). */
  log<T extends { id: string }>(name: string, schema: z.ZodType<T>, timeOf: (r: T) => number, idPrefix: string): Promise<DayLog<T>> {
    return DayLog.open<T>({ dir: join(this.dir, checkedName(name)), schema, timeOf, idPrefix, cacheDays: this.cacheDays });
  }

  /**
   * The store's part of forgetting a person: every embedding and every crop (including crops an
   * embedding referenced under another owner). Identity links are the identity module's part.
   */
  async forgetPerson(personId: string): Promise<ForgetReport> {
    const removed = this.embeddings ? await this.embeddings.removePerson(personId) : [];
    let crops = 0;
    for (const e of removed) if (e.cropId && (await this.crops.delete(e.cropId))) crops++;
    crops += await this.crops.deleteForPerson(personId);
    return { embeddings: removed.length, crops };
  }

  async close(): Promise<void> {
    await this.visits.flush();
    await this.visitEvents.flush();
    if (this.ownsEmbeddings) await this.embeddings?.close();
  }
}
