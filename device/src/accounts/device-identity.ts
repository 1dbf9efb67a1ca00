import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AccountsPersistence } from './persistence.js';

const DeviceFile = z.object({ deviceId: z.string().min(1).max(128).nullable() });

/**
 * The appliance's id: balena's `BALENA_DEVICE_UUID` when running on balena, else a UUID generated
 * on first start and kept in the `device` document so it survives restarts and updates.
 */
export async function loadDeviceId(persistence: AccountsPersistence, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const balena = env.BALENA_DEVICE_UUID?.trim();
  if (balena) return balena;
  const doc = await persistence.document('device', DeviceFile, { deviceId: null });
  if (doc.data.deviceId) return doc.data.deviceId;
  const next = await doc.update((d) => {
    d.deviceId ??= randomUUID();
  });
  return next.deviceId!;
}
