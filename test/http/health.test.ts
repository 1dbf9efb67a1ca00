import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminSuite, Client, userClient } from './harness.js';

/** Parses the Prometheus text format strictly enough to catch malformed output. */
function parseExposition(text: string): Map<string, { type: string; samples: { labels: string; value: number }[] }> {
  const families = new Map<string, { type: string; samples: { labels: string; value: number }[] }>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)$/.exec(line);
    if (m) {
      families.set(m[1], { type: m[2], samples: [] });
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/.exec(line);
    assert.ok(m, `malformed line: ${line}`);
    const f = families.get(m[1]);
    assert.ok(f, `sample before its TYPE: ${line}`);
    f.samples.push({ labels: m[2] ?? '', value: Number(m[3]) });
  }
  return families;
}

describe('health and metrics', () => {
  const s = adminSuite();

  it('/api/v1/health is unauthenticated liveness', async () => {
    const r = await new Client(s.h.url).json('GET', '/api/v1/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
  });

  it('health details report this machine from systeminformation', async () => {
    const r = await s.admin.json('GET', '/api/v1/health/details');
    assert.equal(r.status, 200);
    assert.ok(r.body.cpu.cores >= 1);
    assert.ok(r.body.memory.totalBytes > r.body.memory.usedBytes && r.body.memory.usedBytes > 0);
    assert.ok(r.body.memory.processRssBytes > 10 * 1024 * 1024);
    assert.ok(r.body.disk.some((d: any) => d.sizeBytes > 0));
    assert.ok(r.body.network.some((n: any) => n.iface === 'lo'));
    assert.ok(r.body.uptimeSeconds > 0);
    assert.deepEqual(r.body.cameras, []);
  });

  it('/metrics is Prometheus text for admins only', async () => {
    const viewer = await userClient(s.h, s.admin, 'val', 'viewer');
    assert.equal((await viewer.json('GET', '/metrics')).status, 403);
    assert.equal((await new Client(s.h.url).json('GET', '/metrics')).status, 401);
    const res = await s.admin.fetch('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    const families = parseExposition(await res.text());
    assert.ok(families.get('cva_memory_total_bytes')!.samples[0].value > 0);
    assert.equal(families.get('cva_network_receive_bytes_total')!.type, 'counter');
    const http = families.get('cva_http_responses_total')!;
    assert.ok(http.samples.some((s) => s.labels.includes('route="/metrics"') && s.labels.includes('status="403"')));
  });
});
