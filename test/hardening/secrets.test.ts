// Defect 4: secrets are write-only in the API for every role, and the files holding secrets or faces are
// private (0600 files, 0700 folders).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { REDACTED } from '../../device/src/secrets/redaction.js';
import { adminSuite, userClient } from '../http/harness.js';

describe('secrets: write-only for every role', () => {
  const s = adminSuite();
  const url = 'rtsp://admin:Sup3r%40secret@10.0.0.7:554/stream?channel=1&password=hunter2';

  it('no role reads a camera password; echoing the redacted URL keeps it; a new one replaces it', async () => {
    assert.equal((await s.admin.json('POST', '/api/v1/cameras', { id: 'till', name: 'Till', url, enabled: false })).status, 201);
    const viewer = await userClient(s.h, s.admin, 'vera', 'viewer');
    const manager = await userClient(s.h, s.admin, 'max', 'manager');
    for (const c of [viewer, manager, s.admin]) {
      const list = await c.fetch('GET', '/api/v1/cameras');
      const text = await list.text();
      assert.equal(list.status, 200);
      assert.ok(!text.includes('Sup3r') && !text.includes('hunter2'), text);
      assert.ok(text.includes(`rtsp://${REDACTED}@10.0.0.7`), text);
      const one = await c.json('GET', '/api/v1/cameras/till');
      assert.equal(one.body.config.url, `rtsp://${REDACTED}@10.0.0.7:554/stream?channel=1&password=${REDACTED}`);
    }
    // The page sends back what it read: the stored password stays.
    const shown = (await s.admin.json('GET', '/api/v1/cameras/till')).body.config.url;
    const renamed = await s.admin.json('PATCH', '/api/v1/cameras/till', { name: 'Till 2', url: shown });
    assert.equal(renamed.status, 200);
    assert.ok(!JSON.stringify(renamed.body).includes('Sup3r'));
    assert.equal(s.h.settings.get().cameras.find((c) => c.id === 'till')!.url, url);
    // A new password replaces it.
    await s.admin.json('PATCH', '/api/v1/cameras/till', { url: 'rtsp://admin:new-one@10.0.0.7:554/stream' });
    assert.equal(s.h.settings.get().cameras.find((c) => c.id === 'till')!.url, 'rtsp://admin:new-one@10.0.0.7:554/stream');
    // Nor does the settings document show it.
    for (const c of [manager, s.admin]) {
      const text = await (await c.fetch('GET', '/api/v1/settings')).text();
      assert.ok(!text.includes('new-one'), text);
    }
  });

  it('the MQTT bridge password is never read back, kept when echoed, replaced when sent', async () => {
    const set = await s.admin.json('PATCH', '/api/v1/settings', { mqtt: { bridge: { url: 'mqtts://bridge:b-pass@hq.example:8883', username: 'box', password: 'bridge-secret' } } });
    assert.equal(set.status, 200);
    assert.ok(!JSON.stringify(set.body).includes('bridge-secret') && !JSON.stringify(set.body).includes('b-pass'));
    const manager = await userClient(s.h, s.admin, 'mona', 'manager');
    const read = await manager.json('GET', '/api/v1/settings');
    assert.equal(read.body.settings.mqtt.bridge.password, REDACTED);
    assert.equal(read.body.settings.mqtt.bridge.url, `mqtts://${REDACTED}@hq.example:8883`);
    // The whole document sent back as read changes nothing secret.
    const echoed = await s.admin.json('PATCH', '/api/v1/settings', { mqtt: read.body.settings.mqtt, cameras: read.body.settings.cameras });
    assert.equal(echoed.status, 200, JSON.stringify(echoed.body));
    assert.equal(s.h.settings.get().mqtt.bridge!.password, 'bridge-secret');
    assert.equal(s.h.settings.get().mqtt.bridge!.url, 'mqtts://bridge:b-pass@hq.example:8883');
    assert.equal(s.h.settings.get().cameras.find((c) => c.id === 'till')!.url, 'rtsp://admin:new-one@10.0.0.7:554/stream');
    await s.admin.json('PATCH', '/api/v1/settings', { mqtt: { bridge: { password: 'rotated' } } });
    assert.equal(s.h.settings.get().mqtt.bridge!.password, 'rotated');
  });

  it('files holding secrets or faces are 0600, folders 0700', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#888' } }).jpeg().toBuffer();
    await s.h.store.crops.save({ kind: 'customer', personId: 'C-000001' }, { jpeg });
    const bad: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        const mode = (await stat(p)).mode & 0o777;
        if (e.isDirectory()) {
          if (mode !== 0o700) bad.push(`${p} ${mode.toString(8)}`);
          await walk(p);
        } else if (mode !== 0o600) bad.push(`${p} ${mode.toString(8)}`);
      }
    };
    assert.equal((await stat(s.h.dir)).mode & 0o777, 0o700);
    await walk(s.h.dir);
    assert.deepEqual(bad, []);
    assert.ok(JSON.parse(await readFile(join(s.h.dir, 'accounts.json'), 'utf8')).users.length >= 1, 'the walk saw the accounts file');
  });
});
