/**
 * `npm run -s bench:people` — issue 16. The last line printed is one JSON object:
 *   oneByOne    one-by-one.mp4 at its own 10 fps through the real pipeline (persons on), against one-by-one.csv:
 *               `line` (a directed line across the right-hand exit, bent along the bottom entrance) and `zone`
 *               (a zone around the floor): entries, exits, id switches (person tracks beyond one per person);
 *               `occupancy`: share of frames where the zone's occupancy (and the line's in − out) equals the
 *               CSV's, over all frames and leaving out ±1 s around each CSV change (read by eye to ±1 s), and the
 *               mean absolute error; `visits`: the visits each camera's counted people made (one per person)
 *   detector    person detector ms per frame at the clip's 768×432 (letterboxed to 192×128; median, p90), and recall on
 *               every 5th frame: person frames (inside a CSV stay, ±1 s left out) with a person found, empty frames
 *               with one found (false positives)
 *   pipelineFps analysed frames per second per camera with faces and persons both on, 1 and 4 cameras, on
 *               hamilton.mp4 (people with faces) at 640×360, each camera offering 25 fps (latest frame wins, the
 *               rest dropped, as with live cameras): the pipeline's capacity per camera; each set-up in a fresh
 *               process with its peak RSS; the same with faces only (no person model loaded) is today's baseline
 * Every figure comes from real footage and real components.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisMode } from '../../device/src/contracts/footfall.js';
import { FootfallCounter, FootfallData } from '../../device/src/footfall/footfall-counter.js';
import { PeopleStage } from '../../device/src/people/people-stage.js';
import { inputShape, PersonDetector } from '../../device/src/people/person-detector.js';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { loadModels } from '../../device/src/vision/model-registry.js';
import { openRig } from '../../test/pipeline/rig.js';
import { csvOccupancy, oneByOneFrames, oneByOnePeople, ONE_BY_ONE } from '../../test/people/one-by-one.js';
import { ONE_BY_ONE_LINE, ONE_BY_ONE_ZONE, replayOneByOne } from './people-replay.js';
import { videoFrames } from './video-frames.js';

const here = fileURLToPath(import.meta.url);
const HAMILTON = join(facesDataDir(), 'video', 'hamilton.mp4');
/** Frames per second each camera offers in the fps runs (above the 10 analysed fps a camera needs). */
const OFFER_FPS = 25;
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

async function benchOneByOne(engine: FaceEngine, detector: PersonDetector) {
  const url = `file://${ONE_BY_ONE}`;
  const r = await replayOneByOne(engine, detector, [
    { id: 'line', name: 'Line', url, analyse: 'persons', lines: [ONE_BY_ONE_LINE] },
    { id: 'zone', name: 'Zone', url, analyse: 'persons', zones: [ONE_BY_ONE_ZONE] },
  ], { step: 1 });
  const people = oneByOnePeople();
  const changes = people.flatMap((p) => [p.entersS, p.leavesS]);
  const count = (cam: string, d: 'in' | 'out') => r.events.filter((e) => e.cameraId === cam && e.direction === d).length;
  // The line's occupancy over time: its in − out so far, at each frame.
  const lineEvents = r.events.filter((e) => e.cameraId === 'line').map((e) => ({ at: Date.parse(e.at), d: e.direction === 'in' ? 1 : -1 }));
  const occupancy = (pick: (s: (typeof r.samples)[number]) => number) => {
    const judge = (all: boolean) => {
      const xs = r.samples.filter((s) => all || changes.every((c) => Math.abs(s.seconds - c) > 1));
      const right = xs.filter((s) => pick(s) === csvOccupancy(people, s.seconds)).length;
      const mae = xs.reduce((n, s) => n + Math.abs(pick(s) - csvOccupancy(people, s.seconds)), 0) / Math.max(1, xs.length);
      return { right: round(right / Math.max(1, xs.length), 3), meanAbsError: round(mae, 3), frames: xs.length };
    };
    return { all: judge(true), leavingOutChanges: judge(false) };
  };
  const lineOccupancyAt = (seconds: number) => lineEvents.filter((e) => e.at <= r.clipStart + seconds * 1000).reduce((n, e) => n + e.d, 0);
  const started = (cam: string) => r.people.find((p) => p.cameraId === cam)?.tracksStarted ?? 0;
  return {
    expected: { entries: people.length, exits: people.length },
    line: { entries: count('line', 'in'), exits: count('line', 'out'), idSwitches: Math.max(0, started('line') - people.length), personTracks: started('line') },
    zone: { entries: count('zone', 'in'), exits: count('zone', 'out'), idSwitches: Math.max(0, started('zone') - people.length), personTracks: started('zone') },
    occupancy: { zone: occupancy((s) => s.byCamera.zone ?? 0), line: occupancy((s) => lineOccupancyAt(s.seconds)) },
    visits: { line: r.visits.filter((v) => v.cameras.includes('line')).length, zone: r.visits.filter((v) => v.cameras.includes('zone')).length },
    framesAnalysed: r.framesAnalysed,
    replaySeconds: round(r.wallMs / 1000),
  };
}

async function benchDetector(detector: PersonDetector) {
  const people = oneByOnePeople();
  const inside = (s: number) => people.some((p) => s >= p.entersS + 1 && s <= p.leavesS - 1);
  const empty = (s: number) => people.every((p) => s < p.entersS - 1 || s > p.leavesS + 1);
  const ms: number[] = [];
  let personFrames = 0, found = 0, emptyFrames = 0, falsePositive = 0;
  for await (const { frame, seconds } of oneByOneFrames(5)) {
    const t = performance.now();
    const dets = await detector.detect(frame);
    ms.push(performance.now() - t);
    if (inside(seconds)) {
      personFrames++;
      if (dets.length) found++;
    } else if (empty(seconds)) {
      emptyFrames++;
      if (dets.length) falsePositive++;
    }
  }
  const shape = inputShape({ width: 768, height: 432 }, detector.inputSize);
  return {
    input: `768x432 letterboxed to ${shape.width}x${shape.height}`,
    threshold: detector.threshold,
    msPerFrame: { p50: round(quantile(ms.slice(3), 0.5)), p90: round(quantile(ms.slice(3), 0.9)) },
    recall: round(found / Math.max(1, personFrames), 3),
    personFrames,
    found,
    emptyFrames,
    falsePositiveFrames: falsePositive,
  };
}

/** In a fresh process: hamilton.mp4 offered to `cameras` cameras for `seconds`, as fast as analysis goes. */
async function fpsChild(mode: AnalysisMode, cameras: number, seconds: number): Promise<void> {
  const engine = await FaceEngine.create();
  // Faces only is today's appliance: no person model loaded, no people stage.
  const models = mode === 'faces' ? null : await loadModels({ ids: ['movenet-multipose'] });
  const detector = models ? new PersonDetector(models.get('movenet-multipose').session) : null;
  const configs = new Map<string, CameraConfig>();
  for (let i = 0; i < cameras; i++) configs.set(`cam-${i}`, CameraConfig.parse({ id: `cam-${i}`, name: `cam ${i}`, url: `file://${HAMILTON}`, analyse: mode }));
  let counter: FootfallCounter | null = null;
  const rig = await openRig(engine, {
    async pipelineExtras({ bus, store }) {
      if (!detector) return {};
      counter = new FootfallCounter({ doc: await store.document('footfall', FootfallData, { hours: {} }), bus, timezone: () => 'UTC' });
      await counter.start();
      return { people: new PeopleStage({ detector, camera: (id) => configs.get(id), footfall: counter }) };
    },
  });
  // Each camera offers a frame every 1000/OFFER_FPS ms, more than analysis needs: the pipeline keeps the latest per
  // camera and drops the rest (as with real cameras), so analysed frames per second is its capacity per camera.
  let peak = process.memoryUsage().rss;
  const analysed = () => rig.pipeline.stats().cameras.reduce((n, c) => n + c.analysedFrames, 0);
  let seq = 0;
  let started = 0;
  let before = 0;
  outer: for (;;) {
    for await (const frame of videoFrames(HAMILTON, 640, 360)) {
      const now = Date.now();
      for (const id of configs.keys()) rig.pipeline.offer({ ...frame, cameraId: id, seq, capturedAt: now, ptsMs: null });
      await new Promise((r) => setTimeout(r, 1000 / OFFER_FPS));
      peak = Math.max(peak, process.memoryUsage().rss);
      // The first 2 s warm the sessions up; the clock starts after them.
      if (++seq === 2 * OFFER_FPS) [started, before] = [performance.now(), analysed()];
      if (started && performance.now() - started > seconds * 1000) break outer;
    }
  }
  const wall = (performance.now() - started) / 1000;
  const frames = (analysed() - before) / cameras;
  const stageMs = rig.pipeline.stats().stageMs;
  await rig.close();
  await (counter as FootfallCounter | null)?.stop();
  await models?.release();
  await engine.release();
  process.stdout.write(JSON.stringify({ fpsPerCamera: round(frames / wall), peakRssMb: Math.round(peak / 1048576), stageMs }) + '\n');
}

function runFpsChild(mode: AnalysisMode, cameras: number, seconds: number): Promise<{ fpsPerCamera: number; peakRssMb: number; stageMs: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here, '--fps-child', mode, String(cameras), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'error' } });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last));
      else reject(new Error(`fps child exited with ${code}: ${out}`));
    });
  });
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  const seconds = 15;
  const pipelineFps: Record<string, unknown> = {};
  for (const [name, mode, cams] of [['faces1', 'faces', 1], ['both1', 'both', 1], ['both4', 'both', 4], ['faces4', 'faces', 4]] as const) {
    pipelineFps[name] = await runFpsChild(mode, cams, seconds);
    console.log(`pipelineFps ${name}: ${JSON.stringify(pipelineFps[name])}`);
  }
  const engine = await FaceEngine.create();
  const models = await loadModels({ ids: ['movenet-multipose'] });
  const detector = new PersonDetector(models.get('movenet-multipose').session);
  const detectorFigures = await benchDetector(detector);
  console.log(`detector: ${JSON.stringify(detectorFigures)}`);
  const oneByOne = await benchOneByOne(engine, detector);
  await models.release();
  await engine.release();
  const p = pipelineFps as Record<string, { fpsPerCamera: number; peakRssMb: number }>;
  console.log(
    JSON.stringify({
      oneByOne,
      detector: detectorFigures,
      pipelineFps: {
        facesAndPersons: { '1': p.both1.fpsPerCamera, '4': p.both4.fpsPerCamera },
        facesOnly: { '1': p.faces1.fpsPerCamera, '4': p.faces4.fpsPerCamera },
        rssMb: {
          facesAndPersons: { '1': p.both1.peakRssMb, '4': p.both4.peakRssMb },
          facesOnly: { '1': p.faces1.peakRssMb, '4': p.faces4.peakRssMb },
          addedByPersons: { '1': p.both1.peakRssMb - p.faces1.peakRssMb, '4': p.both4.peakRssMb - p.faces4.peakRssMb },
        },
        input: `hamilton.mp4 640x360, each camera offering ${OFFER_FPS} fps`,
        seconds,
      },
      loadAverage: (await import('node:os')).loadavg().map((l) => round(l, 2)),
    }),
  );
}

if (process.argv[1] === here) {
  const run = process.argv[2] === '--fps-child' ? fpsChild(process.argv[3] as AnalysisMode, Number(process.argv[4]), Number(process.argv[5])) : main();
  run.catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
