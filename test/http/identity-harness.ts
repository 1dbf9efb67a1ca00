import { join } from 'node:path';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { Identity } from '../../device/src/identity/identity.js';
import { bindIdentity } from '../../device/src/services/bindings.js';
import { startHarness, type Harness } from './harness.js';

/** The HTTP harness with the real identity service on the real face engine behind staff, customers, review and recognise. */
export interface IdentityHarness extends Harness {
  identity: Identity;
  engine: FaceEngine;
}

/** Starts the engine, then the harness with identity on its store; `close()` stops all three. */
export async function startIdentityHarness(): Promise<IdentityHarness> {
  const engine = await FaceEngine.create({ ageGender: false });
  let identity!: Identity;
  const h = await startHarness({
    late: async (hh) => {
      identity = new Identity({ dir: join(hh.dir, 'identity'), crops: hh.store.crops });
      await identity.start();
      return bindIdentity(identity.people, engine);
    },
  });
  const close = async () => {
    await h.close();
    await identity.stop();
    await engine.release();
  };
  return { ...h, identity, engine, close };
}
