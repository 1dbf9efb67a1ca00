import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ADMIN, Inbox, connect, startTestBroker } from './helpers.js';

describe('MQTT over WebSocket and TLS', () => {
  it('serves MQTT over WebSocket at /mqtt on the HTTP server, with the same authentication', async () => {
    const t = await startTestBroker();
    const http = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const detach = t.broker.attachWebSocket(http, '/mqtt');
    try {
      const ws = await connect(`ws://127.0.0.1:${port}/mqtt`, ADMIN);
      const inbox = new Inbox(ws);
      await ws.subscribeAsync('cva/#');
      await t.broker.publish('cva/counts', '{"via":"ws"}', { retain: false });
      assert.equal((await inbox.on('cva/counts')).payload, '{"via":"ws"}');
      await ws.endAsync();
      await assert.rejects(connect(`ws://127.0.0.1:${port}/mqtt`, { ...ADMIN, password: 'wrong-password' }), (e: { code?: number }) => e.code === 4);
      await assert.rejects(connect(`ws://127.0.0.1:${port}/other`, ADMIN));
    } finally {
      detach();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await t.close();
    }
  });

  it('serves MQTT over TLS with the configured certificate', async () => {
    // A self-signed certificate made with openssl for this run.
    const t0 = await startTestBroker();
    const dir = t0.dir;
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
    const t = await startTestBroker({ tls: { cert, key, port: 0 } });
    try {
      assert.ok(t.broker.tlsPort);
      const ca = await readFile(cert);
      const secure = await connect(`mqtts://127.0.0.1:${t.broker.tlsPort}`, { ...ADMIN, ca, rejectUnauthorized: true });
      const inbox = new Inbox(secure);
      await secure.subscribeAsync('cva/#');
      await t.broker.publish('cva/faces', '{"via":"tls"}');
      assert.equal((await inbox.on('cva/faces')).payload, '{"via":"tls"}');
      await secure.endAsync();
      // Untrusted certificate: the client refuses it.
      await assert.rejects(connect(`mqtts://127.0.0.1:${t.broker.tlsPort}`, { ...ADMIN, rejectUnauthorized: true }));
    } finally {
      await t.close();
      await t0.close();
    }
  });
});
