/** Types of the placement check and backup/restore API (inferred from the server's zod contracts in the kit). */
export type { CameraPlacement, RestoreStatus } from '../../kit/contracts.js';
