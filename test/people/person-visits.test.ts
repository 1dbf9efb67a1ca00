/**
 * Visits of people counted by their bodies, through the real sighting relay and visit tracker (a store in a temp
 * dir): a counted person with no face is one unidentified visit; a counted person joins the visit of a face its box
 * held, also when that face track ends after the person track (the visit then arrived when the body was first seen,
 * before its face); a person never counted entering makes no visit;
 * a fleeting face of a faceless visitor decided later makes the visitor's visit that person's.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SightingRelay, MIN_VISITOR_DETECTIONS } from '../../device/src/pipeline/sighting-relay.js';
import { PersonVisits, visitorIdOf } from '../../device/src/people/person-visits.js';
import type { PersonTrack } from '../../device/src/people/person-tracker.js';
import type { TrackedFace, TrackSummary } from '../../device/src/tracking/types.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { createLogger } from '../../device/src/util/log.js';
import { trackerRig } from '../visits/rig.js';

test('counted people become one visit each: their own, or their face’s', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cva-person-visits-'));
  const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
  const rig = await trackerRig(dir, clock);
  await rig.tracker.start();
  const t0 = clock.now();
  let people: PersonVisits | null = null;
  const relay = new SightingRelay(rig.tracker, createLogger('test'), (face, visit) => people?.faceEnded(face, visit));
  people = new PersonVisits(relay);
  const person = (id: string, countedIn: boolean, from: number, to: number, faces: string[] = []): PersonTrack => {
    const t: PersonTrack = {
      id, cameraId: 'door', box: { x: 0, y: 0, width: 50, height: 120 }, score: 0.6, velocity: { vx: 0, vy: 0 },
      firstSeenAt: t0 + from, lastSeenAt: t0 + to, hits: 20, confirmed: true, faceTrackIds: new Set(faces), personId: null, countedIn,
    };
    for (const f of faces) people!.held(t, f);
    return t;
  };
  const faceBox = { x: 10, y: 10, width: 40, height: 40 };
  const face = (trackId: string, detections: number, from: number, to: number): TrackSummary<TrackedFace> => ({
    cameraId: 'door', trackId, firstSeenAt: t0 + from, lastSeenAt: t0 + to, firstBox: faceBox, lastBox: faceBox, detections, goodFaces: 0, shots: [],
    concurrentPersonIds: [], ageMedian: null, gender: null, genderConfidence: null,
  });
  const visits = () => rig.tracker.openVisits().map((v) => [v.personId, v.kind, (Date.parse(v.arrivedAt) - t0) / 1000, v.dwellSeconds]);

  try {
    // Nobody's face, counted entering: one unidentified visit, the person track's first to last frame.
    people.personEnded(person('p-door-a', true, 0, 9000));
    // Seen but never counted entering (walked past outside the line): no visit.
    people.personEnded(person('p-door-b', false, 1000, 4000));
    await relay.settled();
    assert.deepEqual(visits(), [[visitorIdOf('p-door-a'), 'unidentified', 0, 9]]);

    // A counted person whose face track outlives the person track: the visit waits for the face, then is the face's.
    const c = person('p-door-c', true, 10_000, 20_000, ['f-c']);
    people.personEnded(c);
    assert.equal(people.pending, 1, 'waiting for its face');
    relay.ended('f-c', face('f-c', 12, 12_000, 18_000));
    await relay.settled();
    assert.equal(people.pending, 0);
    assert.deepEqual(visits().slice(1), [['U-f-c', 'unidentified', 10, 10]], 'one visit: the face’s, from when the body was first seen until it was last seen');
    assert.deepEqual([people.joined, people.own], [1, 1]);

    // A faceless visitor's fleeting face (too short for a visit of its own) decided later: the visit becomes that person's.
    const d = person('p-door-d', true, 21_000, 30_000, ['f-d']);
    relay.ended('f-d', face('f-d', MIN_VISITOR_DETECTIONS - 1, 21_500, 21_700));
    people.personEnded(d);
    await relay.settled();
    assert.deepEqual(visits().at(-1), [visitorIdOf('p-door-d'), 'unidentified', 21, 9]);
    const decision = { personId: 'C-000001', kind: 'customer' as const, name: null, score: 0.7, distance: 0.4, runnerUp: null, reason: 'new-customer' as const };
    relay.decidedAfterEnd(decision, face('f-d', MIN_VISITOR_DETECTIONS - 1, 21_500, 21_700));
    await relay.settled();
    assert.deepEqual(visits().at(-1)?.slice(0, 2), ['C-000001', 'customer'], 'the same visit, now the customer’s');
    assert.equal(rig.tracker.openVisits().length, 3);
    assert.equal(rig.tracker.counts().visitsToday, 3, 'three people, three visits');
  } finally {
    await rig.tracker.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
