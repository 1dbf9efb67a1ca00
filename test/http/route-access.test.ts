import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { can, Role } from '../../device/src/contracts/roles.js';
import type { AnyRoute } from '../../device/src/http/route.js';
import { Client, setUpAdmin, startHarness, userClient, type Harness } from './harness.js';

/** A path for a route with placeholder ids that exist nowhere, so allowed calls do no harm. */
function concretePath(r: AnyRoute): string {
  return r.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'username' ? 'nobody' : 'no-such-id'));
}

async function call(c: Client, r: AnyRoute): Promise<{ status: number; body: any }> {
  const method = r.method.toUpperCase();
  // Unsafe routes get an empty JSON object: invalid for every body schema, so nothing changes.
  const res = await c.fetch(method, concretePath(r), method === 'GET' || r.upload ? undefined : {});
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) {
    // Streams (MJPEG, events, CSV) would never end: stop reading once the status is known.
    await res.body?.cancel();
    return { status: res.status, body: null };
  }
  return { status: res.status, body: await res.json() };
}

describe('every route: authentication and role checks (iterating the route table)', () => {
  let h: Harness;
  let clients: Record<Role, Client>;
  let tokenClients: Record<Role, Client>;

  before(async () => {
    h = await startHarness();
    const admin = await setUpAdmin(h);
    clients = {
      admin: await userClient(h, admin, 'root2', 'admin'),
      manager: await userClient(h, admin, 'mia', 'manager'),
      viewer: await userClient(h, admin, 'vic', 'viewer'),
    };
    tokenClients = {} as Record<Role, Client>;
    for (const role of Role.options) {
      const r = await admin.json('POST', '/api/v1/tokens', { name: `int-${role}`, role });
      assert.equal(r.status, 201);
      const c = new Client(h.url);
      c.bearer = r.body.token;
      tokenClients[role] = c;
    }
  });
  after(() => h.close());

  const testable = (r: AnyRoute) => !(r.path === '/api/v1/auth/logout');

  it('anonymous callers get 401 with the error body on every non-public route', async () => {
    const anon = new Client(h.url);
    let checked = 0;
    for (const r of h.http.routes.filter((x) => x.access !== 'public' && testable(x))) {
      const res = await call(anon, r);
      assert.equal(res.status, 401, `${r.method} ${r.path}`);
      assert.equal(res.body.error.code, 'unauthenticated', `${r.method} ${r.path}`);
      checked++;
    }
    assert.ok(checked > 30, `checked ${checked} routes`);
  });

  it('public routes answer without signing in', async () => {
    const anon = new Client(h.url);
    for (const r of h.http.routes.filter((x) => x.access === 'public' && x.method === 'get')) {
      const res = await call(anon, r);
      assert.equal(res.status, 200, `${r.method} ${r.path}`);
    }
  });

  for (const via of ['session', 'token'] as const) {
    it(`each role gets 403 exactly where the permission matrix says so (${via})`, async () => {
      for (const role of Role.options) {
        const c = via === 'session' ? clients[role] : tokenClients[role];
        for (const r of h.http.routes.filter((x) => x.access !== 'public' && testable(x))) {
          const res = await call(c, r);
          const allowed = r.access === 'signed-in' || (r.access !== 'public' && can(role, r.access));
          if (allowed) assert.ok(res.status !== 401 && res.status !== 403, `${role} ${r.method} ${r.path} → ${res.status} ${JSON.stringify(res.body)}`);
          else {
            assert.equal(res.status, 403, `${role} ${r.method} ${r.path}`);
            assert.equal(res.body.error.code, 'forbidden');
          }
        }
      }
    });
  }

  it('an invalid bearer token is refused, not treated as anonymous', async () => {
    const c = new Client(h.url);
    c.bearer = 'cva_not-a-real-token';
    const r = await c.json('GET', '/api/v1/cameras');
    assert.equal(r.status, 401);
    assert.equal(r.body.error.message, 'invalid API token');
  });
});
