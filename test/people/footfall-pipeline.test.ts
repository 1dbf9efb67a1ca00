/**
 * Footfall through the real pipeline on one-by-one.mp4 (six people, one at a time, never a face): a directed line
 * counts 6 in and 6 out, a zone around the floor counts 6 in and 6 out with the right occupancy over time, and a
 * second camera on the same door adds nothing to the totals.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { loadModels, type ModelSet } from '../../device/src/vision/model-registry.js';
import { PersonDetector } from '../../device/src/people/person-detector.js';
import { ONE_BY_ONE_LINE, ONE_BY_ONE_ZONE, replayOneByOne, type OneByOneReplay } from '../../scripts/bench/people-replay.js';
import { csvOccupancy, ONE_BY_ONE, oneByOnePeople } from './one-by-one.js';

let engine: FaceEngine;
let models: ModelSet;
let replay: OneByOneReplay;
const url = pathToFileURL(ONE_BY_ONE).href;

before(async () => {
  engine = await FaceEngine.create();
  models = await loadModels({ ids: ['movenet-multipose'] });
  replay = await replayOneByOne(engine, new PersonDetector(models.get('movenet-multipose').session), [
    // Faces and persons both on the door camera: the face steps run (and find no face on this clip).
    { id: 'door', name: 'Door', url, analyse: 'both', lines: [{ ...ONE_BY_ONE_LINE, door: 'main' }] },
    { id: 'door-b', name: 'Door, second camera', url, analyse: 'persons', lines: [{ ...ONE_BY_ONE_LINE, door: 'main' }] },
    { id: 'floor', name: 'Floor', url, analyse: 'persons', zones: [ONE_BY_ONE_ZONE] },
  ], { step: 2 });
}, { timeout: 900_000 });
after(async () => {
  await models?.release();
  await engine?.release();
});

const people = oneByOnePeople();

function eventsOf(cameraId: string, direction: 'in' | 'out') {
  return replay.events.filter((e) => e.cameraId === cameraId && e.direction === direction);
}

test('the directed line counts the six entries and six exits, each near the CSV time', () => {
  const ins = eventsOf('door', 'in');
  const outs = eventsOf('door', 'out');
  assert.equal(ins.length, 6, `entries: ${ins.map((e) => e.at)}`);
  assert.equal(outs.length, 6, `exits: ${outs.map((e) => e.at)}`);
  const t0 = Date.parse(ins[0].at) - people[0].entersS * 1000;
  ins.forEach((e, i) => assert.ok(Math.abs((Date.parse(e.at) - t0) / 1000 - people[i].entersS) <= 3, `entry ${i + 1} at ${(Date.parse(e.at) - t0) / 1000} s`));
  // One person track per person: no id switch broke anyone in two.
  const door = replay.people.find((p) => p.cameraId === 'door');
  assert.equal(door?.tracksStarted, 6);
  assert.equal(replay.sceneChanges, 0);
});

test('a second camera on the same door counts every entry once', () => {
  const second = replay.events.filter((e) => e.cameraId === 'door-b');
  assert.equal(second.length, 12, 'the second camera saw every crossing');
  assert.ok(second.every((e) => !e.counted), 'but none of them counted again');
  const main = replay.events.filter((e) => e.door === 'main' && e.counted);
  assert.equal(main.filter((e) => e.direction === 'in').length, 6);
  assert.equal(main.filter((e) => e.direction === 'out').length, 6);
});

test('the floor zone counts six in and six out, and its occupancy follows the CSV', (t) => {
  assert.equal(eventsOf('floor', 'in').length, 6);
  assert.equal(eventsOf('floor', 'out').length, 6);
  // Every sample, against the CSV (read by eye to ±1 s): samples within 1 s of a change are left out.
  const changes = people.flatMap((p) => [p.entersS, p.leavesS]);
  const judged = replay.samples.filter((s) => changes.every((c) => Math.abs(s.seconds - c) > 1));
  const right = judged.filter((s) => (s.byCamera.floor ?? 0) === csvOccupancy(people, s.seconds)).length;
  t.diagnostic(`occupancy right in ${right} of ${judged.length} samples`);
  assert.ok(right / judged.length >= 0.95, `occupancy right in ${right} of ${judged.length}`);
  // Site totals: the door's 6 + 6 (once) and the zone camera's own 6 + 6; nobody is inside at the end.
  assert.equal(replay.counts.entriesToday, 12);
  assert.equal(replay.counts.exitsToday, 12);
  assert.equal(replay.counts.occupancyNow, 0);
  assert.equal(replay.counts.capturedToday, 0, 'nobody showed a face');
  assert.equal(replay.counts.captureRateToday, 0);
  const floor = replay.counts.zones.find((z) => z.zoneId === 'floor');
  assert.ok(floor?.meanDwellSeconds && floor.meanDwellSeconds > 8 && floor.meanDwellSeconds < 25, `mean dwell ${floor?.meanDwellSeconds}`);
});

test('each counted person is one unidentified visit; a second camera on the door adds none', (t) => {
  const of = (cameraId: string) => replay.visits.filter((v) => v.cameras.includes(cameraId));
  const door = of('door').sort((a, b) => a.arrivedAt.localeCompare(b.arrivedAt));
  t.diagnostic(`door visits (arrival s, CSV entry s): ${door.map((v, i) => `${v.personId} ${(Date.parse(v.arrivedAt) - replay.clipStart) / 1000} (${people[i]?.entersS})`).join(', ')}`);
  assert.equal(door.length, 6, `door visits: ${door.map((v) => `${v.personId} ${v.arrivedAt}`).join(', ')}`);
  assert.ok(door.every((v) => v.kind === 'unidentified'), 'nobody was identified');
  door.forEach((v, i) => {
    const arrived = (Date.parse(v.arrivedAt) - replay.clipStart) / 1000;
    // From when the person appeared: a visit of the person track itself, or — where the face detector took
    // something on the person's head for a face (a track of its own) — that face's visit, which the person joined
    // and which arrived with the body, seen before the "face".
    assert.ok(Math.abs(arrived - people[i].entersS) <= 3, `visit ${i + 1} (${v.personId}) arrived at ${arrived} s, CSV ${people[i].entersS} s`);
    assert.ok(v.dwellSeconds >= 5, `visit ${i + 1} stayed ${v.dwellSeconds} s`);
  });
  assert.ok(door.filter((v) => v.personId.startsWith('U-p-door-')).length >= 4, 'most are visits of faceless person tracks');
  assert.equal(of('door-b').length, 0, 'entries the door already counted make no second visit');
  assert.equal(of('floor').length, 6, 'the floor camera (its own door) counts its six entrants');
  assert.equal(replay.visitors.joinedFaceVisit + replay.visitors.ownVisit, 12, JSON.stringify(replay.visitors));
  assert.equal(replay.visitors.waiting, 0);
  assert.equal(replay.visits.length, 12, 'and no other visit');
});
