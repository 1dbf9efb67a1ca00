import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { openJsonDoc } from './document.js';

const DeviceFile = z.object({ deviceId: z.string().min(1).max(128).nullable() });

/**
 * The appliance's id: balena's `BALENA_DEVICE_UUID` when running on balena, else a UUID generated
 * on first start and kept in `<dir>/device.json` so it survives restarts and updates.
 */
export async function loadDeviceId(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const balena = env.BALENA_DEVICE_UUID?.trim();
  if (balena) return balena;
  const doc = await openJsonDoc(join(dir, 'device.json'), DeviceFile, { deviceId: null });
  if (doc.data.deviceId) return doc.data.deviceId;
  const next = await doc.update((d) => {
    d.deviceId ??= randomUUID();
  });
  return next.deviceId!;
}
