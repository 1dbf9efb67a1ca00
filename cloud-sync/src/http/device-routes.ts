import { Router } from 'express';
import type { Db } from '../db/types.js';
import { claimDevice } from '../admin.js';
import { requireDevice, type DevicePrincipal } from '../auth.js';
import { ingestBatch } from '../ingest.js';
import type { VisitPartitions } from '../partitions.js';

/** The two routes a box calls: claim (code → token) and ingest (bearer device token). */
export function deviceRoutes(db: Db, partitions: VisitPartitions): Router {
  const r = Router();
  r.post('/api/claim', async (req, res) => {
    res.status(201).json(await claimDevice(db, req.body));
  });
  r.post('/api/ingest', requireDevice(db), async (req, res) => {
    res.json(await ingestBatch(db, partitions, res.locals.device as DevicePrincipal, req.body));
  });
  return r;
}
