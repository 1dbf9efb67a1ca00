import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import { detectPlatformFacts } from '../../device/src/camera/platform.js';
import { CameraSupervisor } from '../../device/src/camera/supervisor.js';
import { threadpoolSizeFor } from '../../device/src/camera/threadpool.js';
import { startRtspCamera, type RtspCamera } from '../rtsp-test-camera.js';

/**
 * Resident memory of the camera side of the appliance with 1 and with N simultaneous RTSP cameras
 * (issue 4 §8 `rssMb`). Each count runs in a fresh node process (so one run's heap does not inflate the next)
 * with UV_THREADPOOL_SIZE sized by threadpoolSizeFor(); it streams from real RTSP test cameras serving
 * hamilton.mp4, decodes with the platform's decoder and hands 640-wide RGB frames at 10 fps to a listener
 * that touches every frame. RSS is sampled once a second after warm-up; the peak is reported in MB.
 *
 *   node dist/scripts/bench/camera-rss.js        → last line {"rssMb":{"1":…,"4":…},…}
 */
export interface CameraRssOptions {
  counts?: number[];
  /** Seconds of sampling after every camera delivers frames. */
  seconds?: number;
}

export interface CameraRssResult {
  rssMb: Record<string, number>;
  decoder: string | null;
  analysisWidth: number;
  analysisFps: number;
  seconds: number;
}

const WIDTH = 640;
const FPS = 10;
const here = fileURLToPath(import.meta.url);

/** Child side: runs the cameras on the given URLs and prints {peakRssMb, decoder, frames}. */
async function childRun(urls: string[], seconds: number): Promise<void> {
  const facts = await detectPlatformFacts();
  const sups = urls.map(
    (url, i) =>
      new CameraSupervisor({
        config: CameraConfig.parse({ id: `bench-${i}`, name: `bench ${i}`, url, analysisFps: FPS, analysisWidth: WIDTH }),
        facts,
      }),
  );
  let frames = 0;
  let checksum = 0;
  for (const s of sups) {
    s.onFrame((f) => {
      frames++;
      checksum = (checksum + f.data[f.data.length >> 1]) & 0xffff;
    });
    await s.start();
  }
  const deadline = Date.now() + 60_000;
  while (sups.some((s) => s.stats().state !== 'running')) {
    if (Date.now() > deadline) throw new Error('cameras did not all start: ' + JSON.stringify(sups.map((s) => s.stats())));
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 2_000)); // warm-up: buffers and jitter buffers fill
  let peak = 0;
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const decoder = sups[0].stats().decoder;
  await Promise.all(sups.map((s) => s.stop()));
  process.stdout.write(JSON.stringify({ peakRssMb: Math.round(peak / 1048576), decoder, frames, checksum }) + '\n');
}

function runChild(urls: string[], seconds: number): Promise<{ peakRssMb: number; decoder: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here, '--child', String(seconds), ...urls], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpoolSizeFor(urls.length)), LOG_LEVEL: 'warn' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last));
      else reject(new Error(`camera-rss child exited with ${code}: ${out}`));
    });
  });
}

/** Starts max(counts) RTSP test cameras and measures each count in a fresh process. */
export async function measureCameraRss(opts: CameraRssOptions = {}): Promise<CameraRssResult> {
  const counts = opts.counts ?? [1, 4];
  const seconds = opts.seconds ?? 10;
  const cams: RtspCamera[] = [];
  try {
    for (let i = 0; i < Math.max(...counts); i++) cams.push(await startRtspCamera());
    const rssMb: Record<string, number> = {};
    let decoder: string | null = null;
    for (const n of counts) {
      const r = await runChild(cams.slice(0, n).map((c) => c.url), seconds);
      rssMb[String(n)] = r.peakRssMb;
      decoder = r.decoder;
    }
    return { rssMb, decoder, analysisWidth: WIDTH, analysisFps: FPS, seconds };
  } finally {
    await Promise.all(cams.map((c) => c.stop()));
  }
}

if (process.argv[1] === here) {
  if (process.argv[2] === '--child') {
    childRun(process.argv.slice(4), Number(process.argv[3])).catch((e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    measureCameraRss()
      .then((r) => console.log(JSON.stringify(r)))
      .catch((e) => {
        console.error(e);
        process.exit(1);
      });
  }
}
