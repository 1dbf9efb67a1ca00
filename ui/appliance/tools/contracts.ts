/** Types of the placement check and backup/restore API, inferred from the server's zod contracts. */
import type { z } from 'zod';
import type * as Placement from '../../../device/src/contracts/placement.js';
import type * as Backup from '../../../device/src/contracts/backup.js';

export type CameraPlacement = z.infer<typeof Placement.CameraPlacement>;
export type RestoreStatus = z.infer<typeof Backup.RestoreStatus>;
