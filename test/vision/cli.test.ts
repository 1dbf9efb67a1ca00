import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { identity, scene } from './fixtures.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'device', 'src', 'faces-cli.js');
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'vision-cli-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

function faces(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('faces CLI', () => {
  it('detect prints JSON and writes an annotated JPEG', async () => {
    const out = join(dir, 'annotated.jpg');
    const r = await faces('detect', scene('kit_with_rose.jpg'), '--out', out);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.faces.length, 2);
    assert.equal(json.faces[0].gender.value, 'female'); // Rose Leslie is on the left
    assert.equal(json.faces[0].landmarks.length, 68);
    const jpg = await readFile(out);
    assert.ok(jpg[0] === 0xff && jpg[1] === 0xd8 && (await stat(out)).size > 10_000);
  });

  it('compare says same person for two Obama photos and not for Obama vs Biden', async () => {
    const same = JSON.parse((await faces('compare', identity('obama', '1.jpg'), identity('obama', '3.jpg'))).stdout);
    const diff = JSON.parse((await faces('compare', identity('obama', '1.jpg'), identity('biden', '1.jpg'))).stdout);
    assert.equal(same.samePerson, true);
    assert.equal(diff.samePerson, false);
    assert.ok(same.distance < diff.distance);
  });

  it('enrol a folder per person, then identify a scene left to right', async () => {
    const people = join(dir, 'people');
    for (const [person, files] of [['obama', ['1.jpg', '2.jpg']], ['biden', ['1.jpg', '2.jpg']], ['kit_harington', ['1.jpg']]] as const) {
      await mkdir(join(people, person), { recursive: true });
      for (const f of files) await cp(identity(person, f), join(people, person, f));
    }
    await writeFile(join(people, 'obama', 'broken.jpg'), 'not a photo');
    const gallery = join(dir, 'gallery.json');
    const e = await faces('enrol', people, '--gallery', gallery);
    assert.equal(e.code, 0, e.stderr);
    const enrolled = JSON.parse(e.stdout);
    // One EnrolReport per person, as staff enrolment gives: every photo with its verdict.
    type Report = { personId: string; samples: number; accepted: number; rejected: number; photos: { source: string; verdict: string; message: string }[] };
    const reports: Report[] = enrolled.people;
    assert.deepEqual(reports.map((p) => `${p.personId}:${p.samples}`), ['biden:2', 'kit_harington:1', 'obama:2']);
    const rejected = reports.flatMap((p) => p.photos.filter((f) => f.verdict !== 'accepted'));
    assert.equal(rejected.length, 1);
    assert.deepEqual([rejected[0].source, rejected[0].verdict], ['obama/broken.jpg', 'unreadable']);
    assert.match(rejected[0].message, /^not-an-image/);
    assert.equal(reports.find((p) => p.personId === 'obama')?.rejected, 1);

    const id = await faces('identify', scene('obama_and_biden.jpg'), '--gallery', gallery);
    assert.equal(id.code, 0, id.stderr);
    const names = JSON.parse(id.stdout).faces.map((f: { name: string | null }) => f.name);
    assert.deepEqual(names, ['biden', 'obama', null]); // the child at the right is nobody enrolled
  });

  const bad: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['no verb', async () => [], /usage/],
    ['unknown verb', async () => ['frobnicate'], /unknown verb/],
    ['missing file', async () => ['detect', join(dir, 'missing.jpg')], /unreadable/],
    ['text renamed .jpg', async () => { const p = join(dir, 'text.jpg'); await writeFile(p, 'hello'); return ['detect', p]; }, /not-an-image/],
    ['compare with a faceless image', async () => {
      const p = join(dir, 'grey.png');
      await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } }).png().toFile(p);
      return ['compare', p, identity('obama', '1.jpg')];
    }, /no face/],
    ['identify without --gallery', async () => ['identify', scene('bbt1.jpg')], /--gallery/],
    ['identify with a corrupt gallery', async () => { const g = join(dir, 'bad.json'); await writeFile(g, '{"version":1}'); return ['identify', scene('bbt1.jpg'), '--gallery', g]; }, /not a face gallery/],
    ['bad threshold', async () => ['compare', 'a', 'b', '--threshold', 'lots'], /threshold/],
  ];
  for (const [name, args, message] of bad) {
    it(`bad input exits non-zero with one clear line: ${name}`, async () => {
      const r = await faces(...(await args()));
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], message);
    });
  }
});
