import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { codecFromCapsName, type Codec } from './codec.js';
import { failure, type CameraFailure } from './failure.js';
import { err, ok, type Result } from '../util/result.js';

/**
 * A plain RTSP DESCRIBE before starting GStreamer. rtspsrc reports every connection problem as the same
 * "Could not open resource for reading and writing", so this probe is what turns them into clear reasons
 * (refused, host not found, 401, 404) and reads the codec from the SDP so the right depayloader is used.
 */
export interface RtspDescription {
  codec: Codec;
  /** Encoding name from the SDP (H264, H265, …). */
  encoding: string;
}

interface RtspResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Authorization header for a 401 challenge (Digest preferred, Basic otherwise). */
export function authorizationFor(challenge: string, user: string, pass: string, method: string, uri: string): string {
  if (/^digest/i.test(challenge)) {
    const field = (k: string) => new RegExp(`${k}="([^"]*)"`, 'i').exec(challenge)?.[1] ?? '';
    const realm = field('realm');
    const nonce = field('nonce');
    const response = md5(`${md5(`${user}:${realm}:${pass}`)}:${nonce}:${md5(`${method}:${uri}`)}`);
    return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}"`;
  }
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** The codec of the first video section of an SDP, or the failure saying why there is none we can decode. */
export function codecFromSdp(sdp: string): Result<RtspDescription, CameraFailure> {
  const lines = sdp.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('m=video'));
  if (start < 0) return err(failure('unsupported-codec', 'the stream has no video'));
  const payload = lines[start].split(' ')[3];
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('m='); i++) {
    const m = /^a=rtpmap:(\d+)\s+([^/]+)/.exec(lines[i]);
    if (m && m[1] === payload) {
      const codec = codecFromCapsName(m[2]);
      if (codec === 'h264' || codec === 'h265') return ok({ codec, encoding: m[2] });
      return err(failure('unsupported-codec', `${m[2]} video (only H.264 and H.265 over RTSP)`));
    }
  }
  return err(failure('unsupported-codec', 'the SDP does not name the video codec'));
}

function socketFailure(e: NodeJS.ErrnoException, host: string, port: number): CameraFailure {
  switch (e.code) {
    case 'ECONNREFUSED':
      return failure('unreachable', `connection refused by ${host}:${port} (no RTSP server on that port)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return failure('unreachable', `host "${host}" not found`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return failure('unreachable', `no route to ${host}`);
    case 'ECONNRESET':
      return failure('unreachable', `${host}:${port} closed the connection`);
    default:
      return failure('unreachable', `${host}:${port}: ${e.message}`);
  }
}

/** Sends requests on one connection and parses RTSP responses (headers + Content-Length body). */
class RtspConnection {
  private buffer = '';
  private waiting: ((r: RtspResponse) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.tryParse();
    });
    socket.on('close', () => this.failed?.(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
  }

  request(lines: string[]): Promise<RtspResponse> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.socket.write(lines.join('\r\n') + '\r\n\r\n');
    });
  }

  private tryParse(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const [statusLine, ...headerLines] = this.buffer.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const h of headerLines) {
      const i = h.indexOf(':');
      if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.slice(end + 4, end + 4 + length);
    this.buffer = this.buffer.slice(end + 4 + length);
    const m = /^RTSP\/\d\.\d\s+(\d{3})\s*(.*)$/.exec(statusLine);
    const resolve = this.waiting;
    this.waiting = null;
    this.failed = null;
    resolve({ status: m ? Number(m[1]) : 0, reason: m ? m[2] : statusLine, headers, body });
  }
}

/** DESCRIBEs an rtsp:// URL (credentials taken from the URL) within `timeoutMs`. */
export async function probeRtsp(url: string, timeoutMs: number): Promise<Result<RtspDescription, CameraFailure>> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port ? Number(u.port) : 554;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const uri = u.href;

  const socket = connect({ host, port });
  const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const conn = new RtspConnection(socket);
    const base = [`DESCRIBE ${uri} RTSP/1.0`, 'Accept: application/sdp', 'User-Agent: cva-camera-probe'];
    let res = await conn.request([...base, 'CSeq: 1']);
    if (res.status === 401) {
      const challenge = res.headers['www-authenticate'];
      if (!user) return err(failure('auth-failed', 'the camera asks for a user and password (401); put them in the URL'));
      if (!challenge) return err(failure('auth-failed', 'the camera refused the request (401) without saying how to log in'));
      res = await conn.request([...base, 'CSeq: 2', `Authorization: ${authorizationFor(challenge, user, pass, 'DESCRIBE', uri)}`]);
      if (res.status === 401) return err(failure('auth-failed', 'wrong user or password (401)'));
    }
    if (res.status === 404) return err(failure('not-found', `no stream at ${u.pathname} on ${host}:${port} (404)`));
    if (res.status === 403) return err(failure('auth-failed', `access forbidden (403) for this user`));
    if (res.status !== 200) return err(failure('stream-error', `the camera answered ${res.status} ${res.reason}`.trim()));
    return codecFromSdp(res.body);
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (error.code === 'ETIMEDOUT') return err(failure('unreachable', `no answer from ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`));
    return err(socketFailure(error, host, port));
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}
