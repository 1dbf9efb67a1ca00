/** The on-box store's public surface (see docs/store.md). */
export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export { openDocument, type JsonDocument } from './json-document.js';
export { DayLog, encodeCursor, decodeCursor, type DayLogOptions, type Cursor, type Page, type PageRequest } from './day-log.js';
export { newDayId, dayOfId, utcDayKey } from './day-id.js';
export { writeFileAtomic, writeFileAtomicSync, fsyncDir, fsyncDirSync } from './atomic-file.js';
export type { DeepReadonly } from './freeze.js';
export { EmbeddingStore, type EmbeddingEntry, type NewEmbedding, type EmbeddingStoreOptions } from './embedding-store.js';
export { CropStore, CROP_KINDS, parseCropId, ownerToken, type CropKind, type CropRef, type SaveCrop } from './crop-store.js';
/** What `CropStore.save` takes (the frame kernel's type). */
export type { CropSource } from '../frame/face-crop.js';
export { encodeFaceCrop } from './crop-image.js';
export { ApplianceStore, StoredVisitEvent, type ApplianceStoreOptions, type ForgetReport } from './appliance-store.js';
export { RetentionJob, type RetentionDeps, type RetentionReport, type PrunableLog } from './retention-job.js';
export { systemClock, ManualClock, type Clock } from '../util/clock.js';
export { ShardedRecords } from './sharded-records.js';
