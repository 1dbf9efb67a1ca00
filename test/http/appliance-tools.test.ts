// The real appliance (real models, GStreamer playing the shared clip as a looping camera, the real store in temp
// folders): placement check from the pipeline's own measurements, enrol from a camera, sessions that survive a
// restart, and backup of one appliance restored into a fresh one (a corrupt or foreign archive changes nothing).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { buffer } from 'node:stream/consumers';
import { Appliance } from '../../device/src/appliance.js';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import { tarStream } from '../../device/src/backup/tar.js';
import { createLogger, type Logger } from '../../device/src/util/log.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { until } from '../mqtt/until.js';
import { ADMIN, Client, setupCodeFrom } from './harness.js';
import { SESSION_COOKIE } from '../../device/src/util/cookies.js';
import { sha256 } from '../../device/src/util/passwords.js';

const clip = join(facesDataDir(), 'video', 'hamilton.mp4');
const linPhoto = join(facesDataDir(), 'identities', 'lin_manuel_miranda', '1.png');

interface Running {
  app: Appliance;
  url: string;
  lines: string[];
  restarts: string[];
}

function capturingLog(lines: string[]): Logger {
  const base = createLogger('tools-test');
  const quiet = (): Logger => ({ ...base, info: (m: string) => void lines.push(m), child: () => quiet() }) as Logger;
  return quiet();
}

async function boot(dir: string, cameras: CameraConfig[] = []): Promise<Running> {
  const lines: string[] = [];
  const restarts: string[] = [];
  const app = await Appliance.create({ dir, httpPort: 0, mqttPort: 0, extraCameras: cameras, log: capturingLog(lines), env: {}, restart: (r) => void restarts.push(r) });
  await app.start();
  return { app, url: app.parts.http.url(), lines, restarts };
}

async function setUp(r: Running): Promise<Client> {
  const c = new Client(r.url);
  const res = await c.json('POST', '/api/v1/setup', { setupCode: setupCodeFrom(r.lines), admin: ADMIN, site: { name: 'Shop', timezone: 'Europe/Berlin' } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  c.csrf = res.body.csrfToken;
  return c;
}

async function userOf(r: Running, admin: Client, username: string, role: string): Promise<Client> {
  const password = `${username}-password-123`;
  assert.equal((await admin.json('POST', '/api/v1/users', { username, password, role })).status, 201);
  const c = new Client(r.url);
  assert.equal(await c.login(username, password), 200);
  return c;
}

/** A client carrying another client's cookies and CSRF token to a (restarted) appliance's new address. */
function sameBrowser(c: Client, url: string): Client {
  const n = new Client(url);
  n.cookies = new Map(c.cookies);
  n.csrf = c.csrf;
  return n;
}

async function photoForm(field: string, file: string): Promise<FormData> {
  const f = new FormData();
  f.append(field, new Blob([new Uint8Array(await readFile(file))], { type: 'image/png' }), '1.png');
  return f;
}

describe('the real appliance: placement check, enrol from a camera, lasting sessions, backup and restore', { timeout: 900_000 }, () => {
  const dirs: string[] = [];
  const running: Running[] = [];
  after(async () => {
    for (const r of running) await r.app.stop().catch(() => {});
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async (p: string) => {
    const d = await mkdtemp(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  const camera = CameraConfig.parse({ id: 'door', name: 'Door', url: `file://${clip}`, loop: true, analysisFps: 5, analysisWidth: 640 });

  let dirA: string;
  let a: Running;
  let adminA: Client;
  let linId: string;
  let archive: Buffer;
  let backedUp: { staff: any[]; customers: number };

  it('placement check: real figures from the pipeline, with advice', async () => {
    dirA = await tempDir('cva-tools-a-');
    a = await boot(dirA, [camera]);
    running.push(a);
    adminA = await setUp(a);
    let report: any;
    await until(
      'faces measured on the door camera',
      async () => {
        report = (await adminA.json('GET', '/api/v1/placement?minutes=5')).body;
        return report.items[0]?.facesMeasured >= 15;
      },
      180_000,
    );
    const door = report.items[0];
    assert.equal(door.cameraId, 'door');
    // The clip's faces are 40–200 px wide at 640 px: the median is a real width in that range.
    assert.ok(door.medianFaceWidthPx >= 25 && door.medianFaceWidthPx <= 300, JSON.stringify(door));
    assert.ok(door.medianSharpness > 0);
    assert.ok(door.medianFrontal > 0 && door.medianFrontal <= 1);
    assert.ok(door.identifiableShare >= 0 && door.identifiableShare <= 1);
    assert.ok(['good', 'poor'].includes(door.verdict));
    assert.ok(door.advice.length >= 1 && door.advice.every((s: string) => s.length > 20));
    assert.equal(door.needs.minFaceWidthPx, 40, 'the settings gate (40 px) over the engine floor (36 px)');
    if (door.medianFaceWidthPx < door.needs.minFaceWidthPx) assert.ok(door.issues.includes('too-small'));
    if (door.identifiableShare < 0.5) assert.ok(door.issues.includes('few-identifiable'));

    const one = await adminA.json('GET', '/api/v1/cameras/door/placement?minutes=5');
    assert.equal(one.status, 200);
    assert.ok(one.body.facesMeasured >= door.facesMeasured);
    assert.equal((await adminA.json('GET', '/api/v1/cameras/nope/placement')).status, 404);
    assert.equal((await adminA.json('GET', '/api/v1/placement?minutes=0')).status, 400);
    assert.equal((await adminA.json('GET', '/api/v1/placement?minutes=abc')).status, 400);
    const viewer = await userOf(a, adminA, 'val', 'viewer');
    assert.equal((await viewer.json('GET', '/api/v1/placement')).status, 200, 'installers and viewers may read it');
  });

  it('enrol from a camera: the best single-face shots, kept ones enrolled, then Lin is recognised and has a staff visit', async () => {
    linId = (await adminA.json('POST', '/api/v1/staff', { name: 'Lin' })).body.id;
    for (const bad of [{ cameraId: 'nope' }, { cameraId: 'door', seconds: 100 }, { cameraId: 'door', extra: true }, { cameraId: '../x' }]) {
      const r = await adminA.json('POST', '/api/v1/enrol-captures', bad);
      assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(bad)} → ${r.status}`);
    }
    const viewer = new Client(a.url);
    assert.equal(await viewer.login('val', 'val-password-123'), 200);
    assert.equal((await viewer.json('POST', '/api/v1/enrol-captures', { cameraId: 'door' })).status, 403);

    // 12 s of a 10 s loop: Lin's close-up (seconds 3–7) is in it whenever it starts.
    const started = await adminA.json('POST', '/api/v1/enrol-captures', { cameraId: 'door', seconds: 12, maxShots: 5 });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.state, 'collecting');
    let cap: any;
    await until(
      'the capture to finish',
      async () => {
        cap = (await adminA.json('GET', `/api/v1/enrol-captures/${started.body.id}`)).body;
        return cap.state === 'done';
      },
      120_000,
    );
    assert.ok(cap.frames > 10, JSON.stringify(cap));
    assert.ok(cap.singleFaceFrames > 0);
    assert.ok(cap.shots.length >= 2 && cap.shots.length <= 5, JSON.stringify(cap));
    const q = cap.shots.map((s: any) => s.quality);
    assert.deepEqual(q, [...q].sort((x, y) => y - x), 'best first');
    assert.ok(cap.shots.every((s: any) => s.widthPx >= 40), 'only faces large enough to identify');
    const jpeg = await adminA.fetch('GET', `/api/v1/enrol-captures/${cap.id}/shots/${cap.shots[0].shotId}`);
    assert.equal(jpeg.status, 200);
    assert.equal(jpeg.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual([...Buffer.from(await jpeg.arrayBuffer()).subarray(0, 3)], [0xff, 0xd8, 0xff]);
    assert.equal((await adminA.fetch('GET', `/api/v1/enrol-captures/${cap.id}/shots/99`)).status, 404);
    assert.equal((await adminA.json('POST', `/api/v1/staff/${linId}/enrol-capture`, { captureId: cap.id, keep: ['99'] })).status, 404);
    assert.equal((await adminA.json('GET', `/api/v1/staff/${linId}`)).body.samples, 0, 'a refused enrolment added nothing');

    const kept = cap.shots.map((s: any) => s.shotId);
    const enrolled = await adminA.json('POST', `/api/v1/staff/${linId}/enrol-capture`, { captureId: cap.id, keep: kept });
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
    assert.equal(enrolled.body.photos.length, kept.length, 'a verdict per kept shot');
    assert.ok(enrolled.body.accepted >= 1, JSON.stringify(enrolled.body.photos));

    // The box had already seen Lin before he was staff, so he is an anonymous customer too and his own photo (never
    // shown to the box) comes out between the two. The manager finds that customer by his face crops and enrols it
    // into Lin (enrol from seen faces): here, a customer whose crop the box finds nearest to Lin after itself.
    const recognise = async (data: Buffer, type: string) => {
      const f = new FormData();
      f.append('photo', new Blob([new Uint8Array(data)], { type }), 'probe');
      return (await (await adminA.fetch('POST', '/api/v1/recognise', f)).json()).faces?.[0];
    };
    const linPng = await readFile(linPhoto);
    let rec = await recognise(linPng, 'image/png');
    if (rec?.personId !== linId) {
      const seenAsLin: string[] = [];
      for (const c of (await adminA.json('GET', '/api/v1/customers?limit=500')).body.items) {
        if (!c.photoCropId) continue;
        const crop = Buffer.from(await (await adminA.fetch('GET', `/api/v1/crops/${c.photoCropId}`)).arrayBuffer());
        const who = await recognise(crop, 'image/jpeg');
        if (who?.personId === c.id && who.runnerUp?.personId === linId && who.runnerUp.distance < 0.5) seenAsLin.push(c.id);
      }
      assert.ok(seenAsLin.length, `Lin is nobody known: ${JSON.stringify(rec)}`);
      const moved = await adminA.json('POST', `/api/v1/staff/${linId}/enrol-seen`, { customerIds: seenAsLin });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.ok(moved.body.sources.every((x: any) => x.ok), JSON.stringify(moved.body));
      rec = await recognise(linPng, 'image/png');
    }
    assert.equal(rec?.personId, linId, JSON.stringify(rec));
    assert.equal(rec.name, 'Lin');

    await until(
      "Lin's staff visit",
      async () => (await adminA.json('GET', `/api/v1/visits?kind=staff&personId=${linId}`)).body.items?.length > 0,
      120_000,
    );
    assert.equal((await adminA.json('DELETE', `/api/v1/enrol-captures/${cap.id}`)).status, 200);
    assert.equal((await adminA.json('GET', `/api/v1/enrol-captures/${cap.id}`)).status, 404);
  });

  it('sessions survive a restart of the appliance; signed-out and expired ones do not', async () => {
    const manager = await userOf(a, adminA, 'mia', 'manager');
    const leaver = await userOf(a, adminA, 'leo', 'manager');
    const idler = await userOf(a, adminA, 'ida', 'manager');
    const leaverCookies = new Map(leaver.cookies);
    assert.equal((await leaver.json('POST', '/api/v1/auth/logout')).status, 200);
    leaver.cookies = leaverCookies; // the browser kept the old cookie anyway
    assert.equal((await leaver.json('GET', '/api/v1/auth/me')).status, 401);

    // Back up now, while the appliance holds Lin, the clip's customers and the door camera.
    const res = await adminA.fetch('GET', '/api/v1/system/backup');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="cva-backup-.+\.tar\.gz"/);
    archive = Buffer.from(await res.arrayBuffer());
    assert.equal((await manager.fetch('GET', '/api/v1/system/backup')).status, 403, 'managers cannot take the face library away');
    backedUp = {
      staff: (await adminA.json('GET', '/api/v1/staff')).body.items,
      customers: (await adminA.json('GET', '/api/v1/customers?limit=500')).body.items.length,
    };

    await a.app.stop();
    // Thirteen hours pass for one session (idle limit 12 h): its stored last-seen time is moved back.
    const file = join(dirA, 'sessions.json');
    const doc = JSON.parse(await readFile(file, 'utf8'));
    const sid = (c: Client) => c.cookies.get(SESSION_COOKIE)!;
    assert.ok(!JSON.stringify(doc).includes(sid(idler)) && !JSON.stringify(doc).includes(sid(manager)), 'no session id at rest');
    const hashes = doc.sessions.map((s: any) => s.hash);
    assert.ok(hashes.includes(sha256(sid(manager))), "the manager's session is kept, as a hash");
    assert.ok(!hashes.includes(sha256(sid(leaver))), 'the signed-out one is not');
    const idleUser = sha256(sid(idler));
    for (const s of doc.sessions) if (s.hash === idleUser) s.lastSeenAt -= 13 * 3600_000;
    await writeFile(file, JSON.stringify(doc));

    a = await boot(dirA, []);
    running.push(a);
    const again = sameBrowser(manager, a.url);
    const me = await again.json('GET', '/api/v1/auth/me');
    assert.equal(me.status, 200, 'the same cookie works after the restart');
    assert.equal(me.body.actor.name, 'mia');
    const renamed = await again.json('PATCH', `/api/v1/staff/${linId}`, { name: 'Lin-Manuel' });
    assert.equal(renamed.status, 200, 'and its CSRF token still pairs with it');
    assert.equal((await sameBrowser(leaver, a.url).json('GET', '/api/v1/auth/me')).status, 401, 'signed out stays signed out');
    assert.equal((await sameBrowser(idler, a.url).json('GET', '/api/v1/auth/me')).status, 401, 'idle past the limit');
    adminA = sameBrowser(adminA, a.url);
    await a.app.stop();
  });

  it('restore: a corrupt or foreign archive is refused and changes nothing; the real one gives a fresh box the same people', async () => {
    const dirB = await tempDir('cva-tools-b-');
    let b = await boot(dirB);
    running.push(b);
    const adminB = await setUp(b);
    const managerB = await userOf(b, adminB, 'max', 'manager');
    // The archive as the page uploads it: the raw bytes, with the session cookie and CSRF header.
    const post = (c: Client, body: Buffer, type = 'application/gzip') =>
      fetch(`${b.url}/api/v1/system/restore`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'content-type': type, 'x-csrf-token': c.csrf ?? '', cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });

    const foreign = await buffer(Readable.from(tarStream((async function* () { yield { path: 'hello.txt', data: Buffer.from('hi') }; })())).pipe(createGzip()));
    const flipped = Buffer.from(archive);
    for (let i = Math.floor(flipped.length / 2); i < flipped.length / 2 + 64; i++) flipped[i] ^= 0xff;
    const cases: Array<[string, Buffer, string, number]> = [
      ['a tar.gz from elsewhere', foreign, 'application/gzip', 400],
      ['not gzip at all', Buffer.from('this is not an archive'), 'application/gzip', 400],
      ['damaged in the middle', flipped, 'application/gzip', 400],
      ['cut short', archive.subarray(0, Math.floor(archive.length * 0.6)), 'application/gzip', 400],
      ['sent as JSON', archive, 'application/json', 415],
    ];
    for (const [what, body, type, status] of cases) {
      const r = await post(adminB, body, type);
      const text = await r.text();
      assert.equal(r.status, status, `${what}: ${text}`);
      if (status === 400) assert.match(text, /nothing was changed/);
    }
    assert.equal((await post(managerB, archive)).status, 403);
    assert.equal((await adminB.json('GET', '/api/v1/staff')).body.items.length, 0, 'still no staff');
    assert.deepEqual(b.restarts, [], 'no restart for a refused archive');
    await assert.rejects(stat(join(dirB, '.restore-staged')), 'nothing staged');
    const failed = (await adminB.json('GET', '/api/v1/system/restore')).body;
    assert.equal(failed.state, 'failed');
    assert.ok(failed.error);

    const r = await post(adminB, archive);
    const body = await r.json();
    assert.equal(r.status, 202, JSON.stringify(body));
    assert.equal(body.state, 'restarting');
    assert.equal(body.from.counts.staff, backedUp.staff.length);
    assert.equal(body.from.counts.customers, backedUp.customers);
    await until('the restart request', () => b.restarts.length === 1, 10_000);

    await b.app.stop();
    b = await boot(dirB);
    running.push(b);
    const adminB2 = sameBrowser(adminB, b.url);
    assert.equal((await adminB2.json('GET', '/api/v1/auth/me')).status, 200, "the new box's own users and sessions stay");
    const staff = (await adminB2.json('GET', '/api/v1/staff')).body.items;
    assert.deepEqual(
      staff.map((s: any) => [s.id, s.name, s.samples]),
      backedUp.staff.map((s: any) => [s.id, s.name, s.samples]),
      'the same staff with the same face samples',
    );
    assert.equal((await adminB2.json('GET', '/api/v1/customers?limit=500')).body.items.length, backedUp.customers);
    const rec = await (await adminB2.fetch('POST', '/api/v1/recognise', await photoForm('photo', linPhoto))).json();
    assert.equal(rec.faces[0]?.personId, linId, 'the restored face library recognises Lin');
    assert.ok((await adminB2.json('GET', `/api/v1/visits?kind=staff&personId=${linId}`)).body.items.length > 0, 'his visits came along');
    assert.deepEqual((await adminB2.json('GET', '/api/v1/cameras')).body.items.map((c: any) => c.config.id), ['door'], 'settings came along');
    const status = (await adminB2.json('GET', '/api/v1/system/restore')).body;
    assert.equal(status.lastApplied.counts.staff, backedUp.staff.length);
    const infoB = (await adminB2.json('GET', '/api/v1/system/info')).body;
    assert.notEqual(infoB.deviceId, status.lastApplied.fromDeviceId, 'the new box keeps its own device id');
    await b.app.stop();
  });
});
