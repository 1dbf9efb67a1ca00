import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Identity } from '../../device/src/identity/identity.js';
import { analyzeEnrolPhotos } from '../../device/src/identity/enrolment.js';
import { FaceTracker } from '../../device/src/tracking/tracker.js';
import type { TrackedFace, TrackEvent } from '../../device/src/tracking/types.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { decodeVideo } from './video-frames.js';

/**
 * The real clip through the real engine, tracker and identity: Lin and Alex enrolled as staff, Obama not.
 * Shot cuts (models.md §4, ffmpeg times): Lin wide 0–1.511 s, Alex profile –3.580 s, Lin close-up –7.884 s,
 * audience –10 s. GStreamer decodes 275 frames starting 25 frames (834 ms) later than ffmpeg's 300-frame count
 * (checked by eye: the first audience frame is at 7.05 s here), so the cuts sit at 677, 2746 and 7050 ms.
 */
const CUT = { linWideEnd: 677, linCloseStart: 2746, audienceStart: 7050 };
test('hamilton.mp4: Lin is tracked and named staff, the audience becomes few anonymous customers who return with the same ids, nobody is misnamed', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cva-video-'));
  const engine = await FaceEngine.create({ ageGender: false });
  const identity = new Identity({ dir: join(root, 'identity'), gate: { minFaceSize: 40, minSharpness: 15 } });
  try {
    await identity.start();
    const ids: Record<string, string> = {};
    for (const [who, files] of [['lin_manuel_miranda', ['1.png']], ['alex_lacamoire', ['1.jpg', '2.png', '3.jpg']]] as const) {
      const s = await identity.people.createStaff(who);
      assert.ok(s.ok);
      ids[who] = s.value.id;
      const photos = await analyzeEnrolPhotos(engine, files.map((f) => ({ source: f, data: join(facesDataDir(), 'identities', who, f) })));
      const r = await identity.people.enrolStaff(s.value.id, photos);
      assert.ok(r.ok && r.value.accepted >= 1, JSON.stringify(r));
    }
    const all = await decodeVideo(join(facesDataDir(), 'video', 'hamilton.mp4'), 640, 360, 29.97);
    assert.equal(all.length, 275);
    const frames = all.filter((_, i) => i % 3 === 0); // analysed at ~10 fps, as the appliance does
    const events: TrackEvent[] = [];
    const tracker = new FaceTracker<TrackedFace>('stage', { minFaceSize: 40, minSharpness: 15 }, identity.decider, (e) => events.push(e));
    const analysed: TrackedFace[][] = [];
    for (const f of frames) {
      const faces = await engine.analyze(f, { padRetry: false });
      analysed.push(faces);
      tracker.update(f.ms, faces);
      await tracker.idle(); // decisions in frame order, as fast as the machine allows
    }
    await tracker.flush(frames[frames.length - 1].ms + 100);

    if (process.env.DEBUG_VIDEO) {
      for (const e of events) if (e.type === 'decision' || e.type === 'ended') console.log(e.type, e.trackId, e.summary.firstSeenAt, e.summary.lastSeenAt, e.summary.detections, e.summary.goodFaces, e.state, JSON.stringify(e.decision), e.summary.shots.map((x) => `${Math.round(x.face.quality.size)}/${x.face.quality.frontal.toFixed(2)}/${x.face.quality.score.toFixed(2)}`).join(' '));
    }
    const decisions = events.filter((e): e is Extract<TrackEvent, { type: 'decision' }> => e.type === 'decision' && e.state === 'decided');
    const named = (id: string) => decisions.filter((d) => d.decision.personId === id);
    const linTracks = named(ids.lin_manuel_miranda);
    assert.ok(linTracks.length >= 1, 'Lin is recognised as staff');
    // Lin is named only in his own shots, and his close-up track does not run on into the audience shot.
    for (const d of linTracks) {
      const inWide = d.summary.firstSeenAt < CUT.linWideEnd;
      const inClose = d.summary.firstSeenAt >= CUT.linCloseStart && d.summary.firstSeenAt < CUT.audienceStart;
      assert.ok(inWide || inClose, `Lin named at ${d.summary.firstSeenAt} ms`);
    }
    assert.ok(linTracks.some((d) => d.summary.firstSeenAt >= CUT.linCloseStart), 'Lin is named in the close-up');
    const ends = events.filter((e): e is Extract<TrackEvent, { type: 'ended' }> => e.type === 'ended');
    for (const e of ends) {
      if (e.decision?.personId === ids.lin_manuel_miranda) assert.ok(e.summary.lastSeenAt < CUT.audienceStart, 'a shot cut ends the track');
    }
    // Nobody in the audience shot is called staff.
    for (const d of decisions) if (d.summary.firstSeenAt >= CUT.audienceStart) assert.equal(d.decision.kind, 'customer', JSON.stringify(d.decision));
    const customers = identity.people.listCustomers();
    assert.ok(customers.length >= 1, 'the audience member becomes an anonymous customer');
    assert.ok(customers.length <= 4, `distinct customers stay few: ${customers.length}`);
    // Every track that became a customer got there from at least two good faces.
    for (const d of decisions.filter((x) => x.decision.reason === 'new-customer')) assert.ok(d.summary.shots.length >= 2);

    // The clip again an hour later: the audience member is a returning customer, nobody new is created.
    const before = identity.people.listCustomers().map((c) => c.id);
    const replay: TrackEvent[] = [];
    const tracker2 = new FaceTracker<TrackedFace>('stage', { minFaceSize: 40, minSharpness: 15 }, identity.decider, (e) => replay.push(e));
    const HOUR = 3_600_000;
    for (let i = 0; i < frames.length; i++) {
      tracker2.update(HOUR + frames[i].ms, analysed[i]);
      await tracker2.idle();
    }
    await tracker2.flush(HOUR + frames[frames.length - 1].ms + 100);
    const decided2 = replay.filter((e): e is Extract<TrackEvent, { type: 'decision' }> => e.type === 'decision' && e.state === 'decided');
    assert.ok(decided2.some((d) => d.decision.personId === ids.lin_manuel_miranda), 'Lin again');
    const audience2 = decided2.filter((d) => d.summary.firstSeenAt >= HOUR + CUT.audienceStart);
    assert.ok(audience2.length >= 1);
    for (const d of audience2) {
      assert.equal(d.decision.reason, 'matched', JSON.stringify(d.decision));
      assert.ok(before.includes(d.decision.personId!), 'a returning customer keeps the same id');
    }
    assert.deepEqual(identity.people.listCustomers().map((c) => c.id), before);

    const started = events.filter((e) => e.type === 'started').length;
    const ended = events.filter((e) => e.type === 'ended').length;
    assert.equal(started, ended, 'every track ends');
  } finally {
    await identity.stop();
    await engine.release();
    await rm(root, { recursive: true, force: true });
  }
});
