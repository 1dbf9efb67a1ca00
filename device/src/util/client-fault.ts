/**
 * Errors that are the request's fault, thrown by the HTTP plumbing rather than our own code: express's
 * path-parameter decoding (bad percent-encoding), body-parser and zlib (a body that does not match its
 * Content-Encoding), busboy (a malformed multipart body). Each is a 4xx with a plain message, never a
 * 500 with a stack trace. Shared by the appliance's and cloud-sync's error handlers.
 */
export interface ClientFault {
  status: number;
  message: string;
}

const ZLIB_CODE = /^(Z_|ERR__ERROR|ERR_BROTLI)/;
const BUSBOY_MESSAGE = /^(Unexpected end of form|Malformed part header|Multipart: Boundary not found|Malformed urlencoded form|Unexpected end of multipart data)/i;

export function clientFault(e: unknown): ClientFault | null {
  if (!(e instanceof Error)) return null;
  const { status, statusCode, code, expose } = e as Error & { status?: unknown; statusCode?: unknown; code?: unknown; expose?: unknown };
  const s = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : null;
  if (e instanceof URIError) return { status: 400, message: 'the path holds invalid percent-encoding' };
  if (typeof code === 'string' && ZLIB_CODE.test(code)) return { status: 400, message: 'the request body does not match its Content-Encoding' };
  if (e.message === 'Decompression failed') return { status: 400, message: 'the request body does not match its Content-Encoding' };
  if (BUSBOY_MESSAGE.test(e.message)) return { status: 400, message: `malformed multipart body: ${e.message}` };
  // http-errors raised by express middleware mark what may be shown to the client.
  if (s !== null && s >= 400 && s < 500 && expose !== false) return { status: s, message: e.message };
  return null;
}

/** ENOSPC or EDQUOT anywhere in an error's cause chain: the disk is full, not the request wrong. */
export function isNoSpace(e: unknown): boolean {
  for (let x = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}
