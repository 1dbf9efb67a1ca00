import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { topicContract } from '../../device/src/contracts/mqtt.js';
import { Counts } from '../../device/src/contracts/live.js';
import { ADMIN, INTEGRATION, Inbox, connect, roundTrip } from './helpers.js';
import { startTestService } from './service-helpers.js';
import { cameraStats, counts, faceEvent, visitEvent } from './fixtures.js';

describe('MQTT publisher', () => {
  it('publishes bus events on the contract topics with the contract retain flags', async () => {
    const t = await startTestService();
    const c = await connect(t.url, INTEGRATION);
    const inbox = new Inbox(c);
    await c.subscribeAsync('cva/#', { qos: 1 });
    try {
      const state = await inbox.on('cva/bridge/state');
      assert.deepEqual(JSON.parse(state.payload), { state: 'online' });
      assert.equal(state.retain, true, 'delivered from the retained store');
      const info = JSON.parse((await inbox.on('cva/bridge/info')).payload);
      assert.equal(info.baseTopic, 'cva');

      t.events.emit('visit', visitEvent('new'));
      t.events.emit('face', faceEvent());
      t.events.emit('counts', counts(3));
      t.events.emit('cameraStatus', cameraStats('door', 'running'));
      const at = new Date().toISOString();
      t.events.emit('footfall', { at, cameraId: 'door', source: { kind: 'line', id: 'entrance' }, door: 'main', direction: 'in', trackId: 'p-door-1', counted: true, personId: null });
      t.events.emit('footfallCounts', { at, entriesToday: 7, exitsToday: 5, entriesThisHour: 2, exitsThisHour: 1, occupancyNow: 2, capturedToday: 3, captureRateToday: 3 / 7, zones: [] });
      const visit = JSON.parse((await inbox.on('cva/visits')).payload);
      assert.equal(visit.type, 'new');
      assert.equal(visit.before, null);
      assert.equal(visit.after.personId, 'C-000017');
      assert.equal(JSON.parse((await inbox.on('cva/faces')).payload).kind, 'unknown');
      assert.equal(JSON.parse((await inbox.on('cva/counts')).payload).inShopNow, 3);
      assert.equal(JSON.parse((await inbox.on('cva/cameras/door/status')).payload).state, 'running');
      assert.equal(JSON.parse((await inbox.on('cva/footfall')).payload).direction, 'in');
      const footfall = await inbox.on('cva/counts/footfall');
      assert.equal(JSON.parse(footfall.payload).entriesToday, 7);

      // A producer bug (negative count) is refused, never published.
      const rejectedBefore = t.service.publisher.stats.rejected;
      t.events.emit('counts', { ...counts(1), inShopNow: -1 } as unknown as Counts);
      // A camera id that would change the topic's shape is refused too.
      t.events.emit('cameraStatus', cameraStats('door/../#', 'running'));
      t.events.emit('cameraStatus', cameraStats('a/b', 'running'));
      t.events.emit('cameraStatus', cameraStats('', 'running'));
      assert.equal(t.service.publisher.stats.rejected, rejectedBefore + 4);

      await t.service.publisher.publishHealth();
      const health = JSON.parse((await inbox.on('cva/bridge/health')).payload);
      assert.ok(health.mqtt.clients >= 1);
      assert.ok(health.appUptimeSeconds >= 0);

      await roundTrip(c, 'cva/test/marker');
      assert.equal(inbox.messages.filter((m) => m.topic === 'cva/counts').length, 1, 'the invalid counts did not go out');

      // A new client gets exactly the retained topics.
      const late = await connect(t.url, ADMIN);
      const lateInbox = new Inbox(late);
      await late.subscribeAsync('cva/#');
      await roundTrip(late, 'cva/bridge/request/__marker');
      const retained = lateInbox.messages.filter((m) => m.retain).map((m) => m.topic).sort();
      assert.deepEqual(retained, ['cva/bridge/info', 'cva/bridge/state', 'cva/cameras/door/status', 'cva/counts', 'cva/counts/footfall']);
      await late.endAsync();
      for (const [, spec] of Object.entries(topicContract)) {
        const seen = inbox.messages.find((m) => m.topic.split('/').length === spec.pattern.split('/').length + 1 && matches(spec.pattern, m.topic));
        if (seen) assert.ok(spec.schema.safeParse(JSON.parse(seen.payload)).success, `${seen.topic} matches its schema`);
      }
    } finally {
      await c.endAsync();
      await t.close();
    }
  });

  it('publishes offline on stop', async () => {
    const t = await startTestService();
    const c = await connect(t.url, ADMIN);
    const inbox = new Inbox(c);
    await c.subscribeAsync('cva/bridge/state', { qos: 1 });
    await inbox.next((m) => m.payload.includes('online'));
    await t.close();
    const last = inbox.messages.at(-1);
    assert.deepEqual(JSON.parse(last!.payload), { state: 'offline' });
    c.end(true);
  });

  it('publishes Home Assistant discovery when enabled and withdraws removed cameras', async () => {
    const cams = [
      { id: 'door', name: 'Door', url: 'rtsp://127.0.0.1:8554/door' },
      { id: 'till', name: 'Till', url: 'rtsp://127.0.0.1:8554/till' },
    ];
    let cameras = cams;
    const t = await startTestService(
      { cameras: cams, mqtt: { homeAssistantDiscovery: true } },
      {
        info: () => ({ version: '0.1.0', deviceId: 'dev-1', siteName: 'Corner shop', baseTopic: 'cva', cameras: cameras.map((c) => ({ id: c.id, name: c.name, enabled: true })), startedAt: new Date().toISOString() }),
      },
    );
    const c = await connect(t.url, INTEGRATION);
    const inbox = new Inbox(c);
    await c.subscribeAsync('homeassistant/#', { qos: 1 });
    try {
      await roundTrip(c, 'cva/test/marker');
      const configs = inbox.messages.filter((m) => m.topic.startsWith('homeassistant/'));
      assert.deepEqual(configs.map((m) => m.topic).sort(), [
        'homeassistant/sensor/cva_dev_1/camera_door_status/config',
        'homeassistant/sensor/cva_dev_1/camera_till_status/config',
        'homeassistant/sensor/cva_dev_1/capture_rate/config',
        'homeassistant/sensor/cva_dev_1/entries_today/config',
        'homeassistant/sensor/cva_dev_1/exits_today/config',
        'homeassistant/sensor/cva_dev_1/occupancy/config',
        'homeassistant/sensor/cva_dev_1/people_in_shop/config',
        'homeassistant/sensor/cva_dev_1/staff_in_shop/config',
        'homeassistant/sensor/cva_dev_1/visits_today/config',
      ]);
      const people = JSON.parse(configs.find((m) => m.topic.includes('people_in_shop'))!.payload);
      assert.equal(people.state_topic, 'cva/counts');
      assert.equal(people.value_template, '{{ value_json.inShopNow }}');
      assert.equal(people.availability_topic, 'cva/bridge/state');
      assert.equal(people.unique_id, 'cva_dev_1_people_in_shop');
      const occupancy = JSON.parse(configs.find((m) => m.topic.includes('/occupancy/'))!.payload);
      assert.equal(occupancy.state_topic, 'cva/counts/footfall');
      assert.equal(occupancy.value_template, '{{ value_json.occupancyNow }}');

      cameras = [cams[0]];
      await t.service.refreshInfo();
      const removal = await inbox.next((m) => m.topic.includes('camera_till_status') && m.payload === '', 'removal of the till camera');
      assert.equal(removal.payload, '');
    } finally {
      await c.endAsync();
      await t.close();
    }
  });
});

function matches(pattern: string, topic: string): boolean {
  const p = pattern.split('/');
  const rel = topic.split('/').slice(1);
  return p.length === rel.length && p.every((level, i) => level === '+' || level === rel[i]);
}
