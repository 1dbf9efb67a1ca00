// Defect 5: image bombs. Pixels are capped before decoding; photo uploads in flight are bounded, so no
// request can take the memory or CPU the camera pipeline needs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { crc32, deflateSync } from 'node:zlib';
import { decodeImage } from '../../device/src/vision/image.js';
import { MAX_IMAGE_PIXELS } from '../../device/src/vision/image-limits.js';
import { Client, setUpAdmin, type Harness } from '../http/harness.js';
import { startIdentityHarness } from '../http/identity-harness.js';

/** A real decompression bomb: a valid greyscale PNG of side × side black pixels (a few hundred KB on disk). */
function pngBomb(side: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const raw = Buffer.alloc(side * (side + 1)); // filter byte 0 + zero pixels, row after row
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

describe('image bombs and upload bursts', () => {
  let h: Harness;
  let admin: Client;
  const bomb = pngBomb(10_900);

  before(async () => {
    h = await startIdentityHarness();
    admin = await setUpAdmin(h);
  });
  after(() => h.close());

  it('a 10,900 × 10,900 PNG is refused from its header (over the 40 MP cap)', async () => {
    assert.ok(bomb.length < 1_000_000, `the bomb is small on disk (${bomb.length} bytes)`);
    assert.equal(MAX_IMAGE_PIXELS, 40_000_000);
    const r = await decodeImage(bomb);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.kind, 'too-large');
    assert.match(!r.ok ? r.error.message : '', /10900x10900 .* limit is 40(\.0)? MP/);
  });

  it('through the API: the upload is a clear 400 and the box stays healthy', async () => {
    const f = new FormData();
    f.append('photo', new Blob([new Uint8Array(bomb)], { type: 'image/png' }), 'bomb.png');
    const r = await admin.fetch('POST', '/api/v1/recognise', f);
    const body = await r.json();
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(body.error.message, /limit is 40(\.0)? MP/);
    assert.equal((await fetch(`${h.url}/api/v1/health`)).status, 200);
  });

  it('uploads beyond the in-flight and queue bounds get 429 before their bodies are read; health still answers', async () => {
    // Six slow uploads hold the two running slots and the four queue places (their bodies never finish).
    const boundary = 'slowboundary';
    const held = Array.from({ length: 6 }, () => {
      const req = request(`${h.url}/api/v1/recognise`, {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'transfer-encoding': 'chunked',
          cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': admin.csrf!,
        },
      });
      req.on('error', () => {});
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="slow.png"\r\nContent-Type: image/png\r\n\r\n`);
      return req;
    });
    try {
      let refused: Response | null = null;
      for (let i = 0; i < 100 && !refused; i++) {
        const f = new FormData();
        f.append('photo', new Blob([new Uint8Array(bomb.subarray(0, 64))], { type: 'image/png' }), 'x.png');
        // Until all six held requests have arrived this one may be admitted or queued: give up on it and retry.
        const r = await admin.fetch('POST', '/api/v1/recognise', f, {}, AbortSignal.timeout(1_000)).catch(() => null);
        if (r?.status === 429) refused = r;
      }
      assert.ok(refused, 'a seventh concurrent upload is refused');
      assert.equal(refused.headers.get('retry-after'), '2');
      assert.equal((await refused.json()).error.code, 'rate_limited');
      assert.equal((await fetch(`${h.url}/api/v1/health`)).status, 200);
    } finally {
      for (const req of held) req.destroy();
    }
    // Slots are given back when those requests go away.
    let status = 0;
    for (let i = 0; i < 100 && status !== 400; i++) {
      const f = new FormData();
      f.append('photo', new Blob([new Uint8Array(bomb)], { type: 'image/png' }), 'bomb.png');
      status = (await admin.fetch('POST', '/api/v1/recognise', f)).status;
      if (status !== 400) await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(status, 400);
  });
});
