import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';

/**
 * os-image/configure-image.sh checks everything it can before it touches balena: the claim code (the
 * appliance's own alphabet) and the cloud URL are refused here, not discovered wrong on a shop's box.
 * The balena CLI itself (download, register, env, configure, preload) is not available here.
 */
it('configure-image.sh refuses bad claim codes and URLs before calling balena, and says when the CLI is missing', () => {
  const out = mkdtempSync(join(tmpdir(), 'cva-osimg-'));
  try {
    const run = (...args: string[]) =>
      spawnSync('bash', [join(repoRoot, 'os-image/configure-image.sh'), ...args], {
        encoding: 'utf8',
        // No balena CLI on PATH: the script must stop before doing anything.
        env: { PATH: '/usr/bin:/bin', OUT_DIR: out },
      });
    const bad: Array<[string[], RegExp]> = [
      [[], /usage|configure-image/],
      [['acme/cva', 'raspberrypi4-64', '--claim-code', 'K7QM2XWP'], /go together/],
      [['acme/cva', 'raspberrypi4-64', '--cloud-url', 'https://hq.example'], /go together/],
      [['acme/cva', 'raspberrypi4-64', '--claim-code', 'K7QM-2XW0', '--cloud-url', 'https://hq.example'], /claim alphabet/],
      [['acme/cva', 'raspberrypi4-64', '--claim-code', 'K7QM-2XWP', '--cloud-url', 'hq.example'], /http\(s\) URL/],
      [['acme/cva', 'raspberrypi4-64', '--bogus'], /unknown option/],
    ];
    for (const [args, msg] of bad) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
    // Valid input, no CLI: a clear message and exit 1 (lower-case code with a dash is accepted, like the appliance does).
    const r = run('acme/cva', 'raspberrypi4-64', '--claim-code', 'k7qm-2xwp', '--cloud-url', 'https://hq.example');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /balena CLI not found/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
