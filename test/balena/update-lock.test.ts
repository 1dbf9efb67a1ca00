import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateLock, updateLockPath } from '../../device/src/balena/update-lock.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { EmbeddingStore } from '../../device/src/store/embedding-store.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cva-lock-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What another process sees: the supervisor's exclusive create, and host OS scripts' non-blocking flock. */
function exclusiveCreateFails(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx'));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EEXIST';
  }
  rmSync(path);
  return false;
}
const flockFree = (path: string) => spawnSync('flock', ['--exclusive', '--nonblock', path, 'true']).status === 0;

describe('update lock (balena: O_EXCL lock file + flock)', () => {
  it('holds the real file while work runs: an exclusive create and a flock by others fail, both succeed after', async () => {
    const path = join(tmp(), 'balena', 'updates.lock');
    const lock = new UpdateLock({ path });
    await lock.start();
    assert.equal(existsSync(path), false);
    const seen = await lock.hold('upload batch', async () => {
      const s = lock.state();
      return { exists: existsSync(path), excl: exclusiveCreateFails(path), flockFree: flockFree(path), s };
    });
    assert.equal(seen.exists, true);
    assert.equal(seen.excl, true, 'a concurrent O_EXCL create must fail while the lock is held');
    assert.equal(seen.flockFree, false, 'host OS update scripts must find the flock taken');
    assert.equal(seen.s.held, true);
    assert.deepEqual(seen.s.reasons, ['upload batch']);
    assert.equal(seen.s.hostOsLock, 'held');
    assert.ok(seen.s.heldSince && seen.s.releaseBy);
    assert.equal(Date.parse(seen.s.releaseBy!) - Date.parse(seen.s.heldSince!), 24 * 3_600_000, 'default maximum hold: 24 h');
    assert.equal(existsSync(path), false, 'released: the file is gone');
    assert.equal(exclusiveCreateFails(path), false);
    assert.equal(flockFree(path), true);
    assert.equal(lock.state().held, false);
    assert.equal(lock.state().hostOsLock, 'free');
    await lock.stop();
  });

  it('overlapping reasons share one file, released only when the last one lets go', async () => {
    const path = join(tmp(), 'updates.lock');
    const lock = new UpdateLock({ path });
    await lock.start();
    const a = await lock.acquire('opening hours');
    const b = await lock.acquire('backup');
    assert.deepEqual(lock.state().reasons.sort(), ['backup', 'opening hours']);
    await a();
    assert.equal(existsSync(path), true);
    assert.deepEqual(lock.state().reasons, ['backup']);
    await b();
    await b(); // a second call is harmless
    assert.equal(existsSync(path), false);
    await lock.stop();
  });

  it('a failing operation still releases the lock', async () => {
    const path = join(tmp(), 'updates.lock');
    const lock = new UpdateLock({ path });
    await assert.rejects(lock.hold('restore', async () => {
      throw new Error('boom');
    }), /boom/);
    assert.equal(existsSync(path), false);
    await lock.stop();
  });

  it('removes its own leftover from a crashed run at start, never a file someone else made', async () => {
    const dir = tmp();
    const ours = join(dir, 'a.lock');
    writeFileSync(ours, 'customer-visit-appliance pid=1 since=2026-01-01T00:00:00.000Z\n');
    const lock = new UpdateLock({ path: ours });
    await lock.start();
    assert.equal(existsSync(ours), false);
    await lock.stop();

    const foreign = join(dir, 'b.lock');
    writeFileSync(foreign, ''); // the supervisor's (or lockfile(1)'s) lock: empty
    const other = new UpdateLock({ path: foreign });
    await other.start();
    assert.equal(existsSync(foreign), true);
    // Work goes on (the update is under way anyway), the state says who holds it, the file is left alone.
    const ran = await other.hold('upload batch', async () => other.state());
    assert.equal(ran.held, false);
    assert.equal(ran.heldByOther, true);
    assert.equal(readFileSync(foreign, 'utf8'), '');
    await other.stop();
    assert.equal(existsSync(foreign), true);
  });

  it('never holds longer than the maximum: lets updates through for the yield window, then holds again', async () => {
    const path = join(tmp(), 'updates.lock');
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 8));
    const lock = new UpdateLock({ path, clock, maxHoldMs: () => 2 * 3_600_000, yieldMs: 30 * 60_000 });
    await lock.start();
    const release = await lock.acquire('opening hours');
    assert.equal(lock.state().maxHoldHours, 2);
    clock.advance(2 * 3_600_000 - 1);
    await lock.refresh();
    assert.equal(existsSync(path), true);
    clock.advance(1);
    await lock.refresh();
    assert.equal(existsSync(path), false, 'maximum hold reached: released although still asked for');
    assert.equal(lock.state().yieldingUntil, new Date(clock.now() + 30 * 60_000).toISOString());
    assert.deepEqual(lock.state().reasons, ['opening hours']);
    // A new reason during the yield window runs, but does not lock updates out again.
    assert.equal(await lock.hold('upload batch', async () => existsSync(path)), false);
    clock.advance(30 * 60_000);
    await lock.refresh();
    assert.equal(existsSync(path), true, 'after the window the remaining reason holds it again');
    assert.equal(lock.state().yieldingUntil, null);
    await release();
    assert.equal(existsSync(path), false);
    await lock.stop();
  });

  it('stop drops the file even while something holds it (the process is going away)', async () => {
    const path = join(tmp(), 'updates.lock');
    const lock = new UpdateLock({ path });
    await lock.acquire('opening hours');
    assert.equal(existsSync(path), true);
    await lock.stop();
    assert.equal(existsSync(path), false);
    assert.equal(flockFree(path), true);
  });

  it('an embedding-store compaction runs under the lock', async () => {
    const dir = tmp();
    const path = join(dir, 'updates.lock');
    const lock = new UpdateLock({ path });
    const during: Array<[string, boolean]> = [];
    const store = await EmbeddingStore.open({
      dir: join(dir, 'emb'),
      dim: 4,
      guard: (reason, fn) => lock.hold(reason, async () => {
        during.push([reason, existsSync(path)]);
        return fn();
      }),
    });
    for (let i = 0; i < 8; i++) await store.add({ personId: `p${i % 2}`, vector: Float32Array.from([i, 1, 2, 3]), quality: 1 });
    await store.removePerson('p0');
    const r = await store.compact();
    assert.ok(r.after < r.before);
    assert.deepEqual(during, [['store compaction', true]]);
    assert.equal(existsSync(path), false);
    await store.close();
    await lock.stop();
  });

  it('a lock that cannot be taken never stops the work', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'not-a-dir'), '');
    const lock = new UpdateLock({ path: join(dir, 'not-a-dir', 'updates.lock') });
    assert.equal(await lock.hold('backup', async () => 'done'), 'done');
    assert.equal(lock.state().held, false);
    await lock.stop();
  });

  it('the lock file lives where balena says, or in the data folder off balena', () => {
    assert.equal(updateLockPath({ BALENA: '1' }, '/data'), '/tmp/balena/updates.lock');
    assert.equal(updateLockPath({ BALENA_APP_LOCK_PATH: '/tmp/balena/x.lock' }, '/data'), '/tmp/balena/x.lock');
    assert.equal(updateLockPath({}, '/srv/cva'), '/srv/cva/updates.lock');
  });
});
