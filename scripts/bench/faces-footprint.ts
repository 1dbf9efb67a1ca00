/**
 * Memory footprint for `bench:faces`, defined as in models.md §6.4: a fresh process loads the models and analyses
 * 40 frames of 1280×720 (the 4-face frame: detect, landmarks, descriptors, age/gender); its peak RSS is reported.
 * Usage: node faces-footprint.js FRAME.png  → one JSON line {peakRssMb, rssAfterLoadMb, frames, faces}.
 */
import { FaceEngine } from '../../device/src/vision/engine.js';

const FRAMES = 40;
const [framePath] = process.argv.slice(2);
const engine = await FaceEngine.create();
const rssAfterLoadMb = Math.round(process.memoryUsage().rss / 2 ** 20);
const frame = await engine.toFrame(framePath);
let faces = 0;
for (let i = 0; i < FRAMES; i++) faces = (await engine.analyze(frame)).length;
await engine.release();
console.log(JSON.stringify({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), rssAfterLoadMb, frames: FRAMES, faces }));
