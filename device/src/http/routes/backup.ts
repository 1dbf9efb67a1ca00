import { BACKUP_CONTENT_TYPE, MAX_BACKUP_UPLOAD_BYTES, RestoreStatus } from '../../contracts/backup.js';
import { HttpError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

const RESTORE_TYPES = [BACKUP_CONTENT_TYPE, 'application/gzip', 'application/x-gzip', 'application/octet-stream'];

/** Backup (download) and restore (upload) of the face library, people, settings and visits. Admins only. */
export function backupRoutes(deps: HttpDeps): AnyRoute[] {
  const backup = () => need(deps.backup, 'backup and restore');
  return [
    route({
      method: 'get',
      path: '/api/v1/system/backup',
      tag: 'system',
      summary: 'Download a backup: face library, people, settings and visits in one archive (gzip tar)',
      access: 'system.backup',
      response: { contentType: 'application/gzip', description: 'The archive (manifest.json last lists every file with its SHA-256)' },
      async handle({ res, audit }) {
        const { stream, filename } = backup().archive();
        await audit('system.backup', null, { filename });
        res.status(200).set({ 'Content-Type': 'application/gzip', 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' });
        stream.on('error', () => res.destroy());
        stream.pipe(res);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/system/restore',
      tag: 'system',
      summary: 'Progress of a restore, and what the last start applied',
      access: 'system.backup',
      response: { schema: RestoreStatus },
      async handle() {
        return backup().status();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/system/restore',
      tag: 'system',
      summary: 'Restore a backup: checked whole first (a corrupt or foreign archive is refused and changes nothing), then applied by a restart',
      access: 'system.backup',
      rawBody: { contentTypes: RESTORE_TYPES, maxBytes: MAX_BACKUP_UPLOAD_BYTES, description: 'A backup archive from GET /api/v1/system/backup' },
      response: { status: 202, schema: RestoreStatus },
      async handle({ req, audit }) {
        const length = Number(req.headers['content-length']);
        const r = await backup().restore(req, Number.isFinite(length) && length > 0 ? length : undefined);
        if (!r.ok) {
          // Read the rest of a refused upload so the client gets the answer instead of a reset connection.
          if (!req.readableEnded && !req.destroyed) req.resume();
          await audit('system.restore', null, { refused: r.error.message });
          if (r.error.code === 'too_large') throw new HttpError(413, 'payload_too_large', r.error.message);
          if (r.error.code === 'conflict') throw new HttpError(409, 'conflict', r.error.message);
          throw new HttpError(400, 'bad_request', `backup refused, nothing was changed: ${r.error.message}`);
        }
        await audit('system.restore', r.value.from?.deviceId ?? null, { counts: r.value.from?.counts });
        return r.value;
      },
    }),
  ];
}
