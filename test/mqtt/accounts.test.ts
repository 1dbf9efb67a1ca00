import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonMqttAccountStore } from '../../device/src/mqtt/accounts.js';
import { TopicAcl } from '../../device/src/mqtt/acl.js';
import { filterWithinTree, isValidTopicFilter, topicMatches } from '../../device/src/mqtt/topic-filter.js';

async function withStore(fn: (file: string, store: JsonMqttAccountStore) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'cva-mqtt-accounts-'));
  try {
    const file = join(dir, 'mqtt-accounts.json');
    await fn(file, await JsonMqttAccountStore.open(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('MQTT account store', () => {
  it('stores scrypt hashes, never the password, and survives a reopen', async () => {
    await withStore(async (file, store) => {
      const created = await store.create({ username: 'ha', password: 'long-enough-pw', role: 'integration', canWrite: ['cva/bridge/request/info'] });
      assert.ok(created.ok);
      const text = await readFile(file, 'utf8');
      assert.ok(!text.includes('long-enough-pw'));
      assert.match(text, /"passwordHash": "scrypt\$32768\$8\$1\$/);
      const reopened = await JsonMqttAccountStore.open(file);
      assert.deepEqual(await reopened.verify('ha', 'long-enough-pw'), { username: 'ha', role: 'integration', canWrite: ['cva/bridge/request/info'] });
      assert.equal(await reopened.verify('ha', 'long-enough-pX'), null);
      assert.equal(await reopened.verify('nobody', 'long-enough-pw'), null);
      assert.equal(JSON.stringify(reopened.list()).includes('scrypt'), false, 'listing never shows hashes');
    });
  });

  it('rejects bad input and duplicates with typed errors and changes nothing', async () => {
    await withStore(async (file, store) => {
      assert.ok((await store.create({ username: 'ha', password: 'long-enough-pw', role: 'integration' })).ok);
      const before = await readFile(file, 'utf8');
      const cases: unknown[] = [
        { username: 'ha', password: 'long-enough-pw', role: 'integration' },
        { username: 'bad name', password: 'long-enough-pw', role: 'integration' },
        { username: 'x', password: 'short', role: 'admin' },
        { username: 'x', password: 'long-enough-pw', role: 'root' },
        { username: 'x', password: 'long-enough-pw', role: 'integration', canWrite: ['cva/#/visits'] },
        'not an object',
      ];
      const codes = [];
      for (const c of cases) {
        const r = await store.create(c);
        assert.equal(r.ok, false);
        if (!r.ok) codes.push(r.error.code);
      }
      assert.deepEqual(codes, ['exists', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
      const badPatch = await store.update('ha', { role: 'root' });
      assert.ok(!badPatch.ok && badPatch.error.code === 'invalid');
      const missing = await store.update('ghost', { role: 'admin' });
      assert.ok(!missing.ok && missing.error.code === 'not-found');
      assert.equal(await readFile(file, 'utf8'), before);
    });
  });

  it('changes passwords and removes accounts', async () => {
    await withStore(async (_file, store) => {
      await store.create({ username: 'ha', password: 'first-password', role: 'integration' });
      const r = await store.update('ha', { password: 'second-password', role: 'admin' });
      assert.ok(r.ok && r.value.role === 'admin');
      assert.equal(await store.verify('ha', 'first-password'), null);
      assert.equal((await store.verify('ha', 'second-password'))?.role, 'admin');
      assert.ok((await store.remove('ha')).ok);
      assert.equal(await store.verify('ha', 'second-password'), null);
      const again = await store.remove('ha');
      assert.ok(!again.ok && again.error.code === 'not-found');
    });
  });

  it('serialises concurrent creates of the same name: exactly one wins', async () => {
    await withStore(async (_file, store) => {
      const results = await Promise.all([1, 2, 3].map((i) => store.create({ username: 'dup', password: `password-${i}xx`, role: 'integration' })));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal(store.list().length, 1);
    });
  });
});

describe('topic filters and ACL', () => {
  it('matches MQTT wildcards', () => {
    assert.ok(topicMatches('cva/#', 'cva/visits'));
    assert.ok(topicMatches('cva/#', 'cva'));
    assert.ok(topicMatches('cva/cameras/+/status', 'cva/cameras/door/status'));
    assert.ok(!topicMatches('cva/cameras/+/status', 'cva/cameras/door/x/status'));
    assert.ok(!topicMatches('#', '$SYS/broker'));
    assert.ok(!topicMatches('cva/visits', 'cva/visits/x'));
    assert.ok(isValidTopicFilter('a/+/b/#') && !isValidTopicFilter('a/#/b') && !isValidTopicFilter('a+/b') && !isValidTopicFilter(''));
    assert.ok(filterWithinTree('cva/+/status', 'cva') && !filterWithinTree('+/visits', 'cva') && !filterWithinTree('cvax/#', 'cva'));
  });

  it('grants admins the request tree and integrations only their grants', () => {
    const acl = new TopicAcl({ baseTopic: 'cva', readableRoots: ['homeassistant'] });
    const admin = { username: 'a', role: 'admin' as const, canWrite: [] };
    const integration = { username: 'i', role: 'integration' as const, canWrite: ['cva/bridge/request/info'] };
    assert.ok(acl.canPublish(admin, 'cva/bridge/request/anything'));
    assert.ok(!acl.canPublish(admin, 'cva/visits'));
    assert.ok(acl.canPublish(integration, 'cva/bridge/request/info'));
    assert.ok(!acl.canPublish(integration, 'cva/bridge/request/health_check'));
    assert.ok(acl.canSubscribe(integration, 'homeassistant/#'));
    assert.ok(!acl.canSubscribe(integration, '$SYS/#'));
    assert.ok(acl.canSubscribe(admin, '#'));
  });
});
