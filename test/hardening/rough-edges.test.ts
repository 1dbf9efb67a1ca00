// Rough edges a new user hit: CLI output that pipes into jq, `--camera` naming and persistence said on start.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { Client, setupCodeFrom } from '../http/harness.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Appliance } from '../../device/src/appliance.js';
import { withQuickCameras } from '../../device/src/pipeline/camera-arg.js';
import { RateMeter } from '../../device/src/camera/rate-meter.js';
import { createLogger, type Logger } from '../../device/src/util/log.js';
import { facesDataDir, repoRoot } from '../../device/src/util/paths.js';

describe('rough edges', () => {
  it('npm commands print no "Unknown project config" warning, and onnxruntime-node has only its bundled CPU binaries', () => {
    const r = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.doesNotMatch(r.stderr, /Unknown (project|env|user) config/);
    const bin = join(repoRoot, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch);
    assert.ok(readdirSync(bin).some((f) => f.startsWith('libonnxruntime.so')));
    assert.ok(!readdirSync(bin).some((f) => /cuda|tensorrt/i.test(f)), readdirSync(bin).join(', '));
  });

  it('a looping file camera whose frame counter restarts never shows a negative fps', () => {
    const r = new RateMeter(5_000);
    for (let s = 0; s <= 4; s++) r.sample(s * 25, s * 1000);
    assert.equal(r.perSecond(), 25);
    r.sample(3, 5000); // the file started again
    assert.equal(r.perSecond(), 0);
    r.sample(28, 6000);
    assert.equal(r.perSecond(), 25);
  });

  it('`npm run faces -- detect` prints only JSON on stdout, logs included at info level (| jq works)', async () => {
    const cli = join(repoRoot, 'dist', 'device', 'src', 'faces-cli.js');
    const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(process.execPath, [cli, 'detect', join(facesDataDir(), 'scenes', 'kit_with_rose.jpg')], { env: { ...process.env, LOG_LEVEL: 'info' }, timeout: 120_000 }, (e, stdout, stderr) =>
        e ? reject(e) : resolve({ stdout, stderr }),
      ),
    );
    assert.equal(JSON.parse(out.stdout).faces.length, 2);
    assert.match(out.stderr, /INFO/, 'the log lines went to stderr');
  });

  it('when the preferred port is taken, the log says so and system/info and bridge/info report the ports in use', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-ports-'));
    // Hold a port so the appliance has to move off its preferred one.
    const holder = createServer();
    await new Promise<void>((res) => holder.listen(0, '127.0.0.1', () => res()));
    const taken = (holder.address() as AddressInfo).port;
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ http: { port: taken, host: '127.0.0.1' }, mqtt: { port: 0 } }));
    const warnings: string[] = [];
    const lines: string[] = [];
    const base = createLogger('ports');
    const quiet: Logger = { ...base, info: (m) => void lines.push(m), warn: (m) => void warnings.push(m), child: () => quiet };
    const app = await Appliance.create({ dir, log: quiet, env: {} });
    await app.start();
    try {
      const url = app.parts.http.url();
      const http = Number(new URL(url).port);
      const mqttPort = app.parts.mqtt.broker.port;
      assert.notEqual(http, taken);
      assert.ok(warnings.some((w) => w.includes(`HTTP port ${taken} is taken by another program: listening on ${http} instead`)), warnings.join('\n'));
      const admin = new Client(url);
      const setup = await admin.json('POST', '/api/v1/setup', { setupCode: setupCodeFrom(lines), admin: { username: 'admin', password: 'admin-password-123' }, site: { name: 'Ports', timezone: 'UTC' } });
      assert.equal(setup.status, 201);
      admin.csrf = setup.body.csrfToken;
      const info = await admin.json('GET', '/api/v1/system/info');
      assert.deepEqual(info.body.ports, { http, mqtt: mqttPort });
      assert.equal((await admin.json('POST', '/api/v1/mqtt/accounts', { username: 'ha', password: 'ha-password-123', role: 'admin' })).status, 201);
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'ha', password: 'ha-password-123', reconnectPeriod: 0 });
      const bridgeInfo = new Promise<string>((res) => c.on('message', (t, p) => t === 'cva/bridge/info' && res(p.toString())));
      await c.subscribeAsync('cva/bridge/info');
      assert.deepEqual(JSON.parse(await bridgeInfo).ports, { http, mqtt: mqttPort });
      await c.endAsync();
    } finally {
      await app.stop();
      holder.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the only --camera is cli-1, and the start says it is saved in the settings (looping)', { timeout: 180_000 }, async () => {
    const clip = join(facesDataDir(), 'video', 'hamilton.mp4');
    const quick = withQuickCameras([], ['--camera', clip]);
    assert.ok(quick.ok);
    assert.deepEqual(quick.value.map((c) => c.id), ['cli-1']);
    const dir = await mkdtemp(join(tmpdir(), 'cva-quick-'));
    const warnings: string[] = [];
    const base = createLogger('quick');
    const log: Logger = { ...base, warn: (m) => void warnings.push(m), child: () => base };
    const app = await Appliance.create({ dir, httpPort: 0, mqttPort: 0, extraCameras: quick.value.map((c) => ({ ...c, enabled: false })), log, env: {} });
    try {
      assert.deepEqual(app.parts.settings.get().cameras.map((c) => c.id), ['cli-1']);
      assert.ok(warnings.some((w) => /saved in the settings as camera cli-1 \(a file, playing in a loop\).*DELETE \/api\/v1\/cameras\/cli-1/.test(w)), warnings.join('\n'));
    } finally {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
