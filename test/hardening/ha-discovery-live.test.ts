// Rough edge: the Home Assistant discovery toggle takes effect at once (and says no restart is needed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { needsRestart } from '../../device/src/services/settings-service.js';
import { INTEGRATION, Inbox, connect, roundTrip, subscribeCodes } from '../mqtt/helpers.js';
import { startTestService } from '../mqtt/service-helpers.js';

describe('Home Assistant discovery, switched live', () => {
  it('needs no restart; on publishes the configs (and lets integrations read them), off withdraws them', async () => {
    assert.deepEqual(needsRestart(['mqtt.homeAssistantDiscovery']), []);
    assert.deepEqual(needsRestart(['mqtt.port', 'mqtt.homeAssistantDiscovery']), ['mqtt.port']);
    const t = await startTestService({ mqtt: { homeAssistantDiscovery: false } });
    try {
      const c = await connect(t.url, INTEGRATION);
      assert.deepEqual(await subscribeCodes(c, ['homeassistant/#']), [128], 'not readable while off');
      await t.service.setDiscovery(true);
      const inbox = new Inbox(c);
      assert.deepEqual(await subscribeCodes(c, ['homeassistant/#']), [0], 'readable once on');
      await roundTrip(c, 'cva/bridge/request/health_check');
      const configs = inbox.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.payload.length > 0);
      assert.ok(configs.length >= 3, `configs: ${configs.map((m) => m.topic).join(', ')}`);
      await t.service.setDiscovery(false);
      await roundTrip(c, 'cva/bridge/request/health_check');
      const withdrawn = inbox.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.payload.length === 0);
      assert.deepEqual(new Set(withdrawn.map((m) => m.topic)), new Set(configs.map((m) => m.topic)));
      await c.endAsync();
    } finally {
      await t.close();
    }
  });
});
