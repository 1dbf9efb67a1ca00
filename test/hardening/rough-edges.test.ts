// Rough edges a new user hit: CLI output that pipes into jq, `--camera` naming and persistence said on start.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Appliance } from '../../device/src/appliance.js';
import { withQuickCameras } from '../../device/src/pipeline/camera-arg.js';
import { RateMeter } from '../../device/src/camera/rate-meter.js';
import { createLogger, type Logger } from '../../device/src/util/log.js';
import { facesDataDir, repoRoot } from '../../device/src/util/paths.js';

describe('rough edges', () => {
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
    const cli = join(repoRoot, 'dist', 'device', 'src', 'vision', 'cli.js');
    const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(process.execPath, [cli, 'detect', join(facesDataDir(), 'scenes', 'kit_with_rose.jpg')], { env: { ...process.env, LOG_LEVEL: 'info' }, timeout: 120_000 }, (e, stdout, stderr) =>
        e ? reject(e) : resolve({ stdout, stderr }),
      ),
    );
    assert.equal(JSON.parse(out.stdout).faces.length, 2);
    assert.match(out.stderr, /INFO/, 'the log lines went to stderr');
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
