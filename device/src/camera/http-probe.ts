import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { failure, type CameraFailure } from './failure.js';
import { err, ok, type Result } from '../util/result.js';

/**
 * Opens an HTTP MJPEG URL just far enough to read the status line and content type, so 401/404/refused and
 * "this is not an MJPEG stream" become clear reasons before souphttpsrc is started.
 */
export async function probeHttpMjpeg(url: string, timeoutMs: number): Promise<Result<{ contentType: string }, CameraFailure>> {
  const u = new URL(url);
  const auth = u.username ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` : null;
  const hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  u.username = '';
  u.password = '';
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(u, { headers: auth ? { Authorization: auth } : {}, timeout: timeoutMs }, (res: IncomingMessage) => {
      const type = String(res.headers['content-type'] ?? '');
      req.destroy();
      if (res.statusCode === 401 || res.statusCode === 403)
        resolve(err(failure('auth-failed', auth ? `wrong user or password (${res.statusCode})` : `the camera asks for a user and password (${res.statusCode})`)));
      else if (res.statusCode === 404) resolve(err(failure('not-found', `no stream at ${u.pathname} (404)`)));
      else if (res.statusCode !== 200) resolve(err(failure('stream-error', `the camera answered HTTP ${res.statusCode}`)));
      else if (!/multipart\/x-mixed-replace/i.test(type))
        resolve(err(failure('unsupported-codec', `content type "${type || 'none'}" is not an MJPEG stream (multipart/x-mixed-replace)`)));
      else resolve(ok({ contentType: type }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(err(failure('unreachable', `no answer from ${hostPort} within ${Math.round(timeoutMs / 1000)} s`)));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') resolve(err(failure('unreachable', `connection refused by ${hostPort}`)));
      else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') resolve(err(failure('unreachable', `host "${u.hostname}" not found`)));
      else resolve(err(failure('unreachable', `${hostPort}: ${e.message}`)));
    });
    req.end();
  });
}
