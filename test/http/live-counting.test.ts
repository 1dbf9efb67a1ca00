/** The live view draws a camera's counting lines and zones, and the people found, on a real frame of one-by-one.mp4. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { encodeAnnotated } from '../../device/src/http/live/encode.js';
import { oneByOneFrames } from '../people/one-by-one.js';

test('a directed line (yellow) and a zone (blue tint) are drawn where the settings put them', async () => {
  let frame = null;
  for await (const f of oneByOneFrames()) {
    frame = f.frame;
    break;
  }
  assert.ok(frame);
  const line = { id: 'exit', name: 'Exit', points: [{ x: 0.7, y: 0.1 }, { x: 0.7, y: 0.9 }], inSide: 'right' as const, door: null };
  const zone = { id: 'table', name: 'Table', polygon: [{ x: 0.1, y: 0.1 }, { x: 0.4, y: 0.1 }, { x: 0.4, y: 0.4 }, { x: 0.1, y: 0.4 }], door: null };
  const plain = await sharp(await encodeAnnotated(frame, [])).raw().toBuffer({ resolveWithObject: true });
  const drawn = await sharp(await encodeAnnotated(frame, [], 90, { lines: [line], zones: [zone] })).raw().toBuffer({ resolveWithObject: true });
  const px = (img: typeof plain, x: number, y: number) => {
    const i = (Math.round(y * img.info.height) * img.info.width + Math.round(x * img.info.width)) * img.info.channels;
    return [img.data[i], img.data[i + 1], img.data[i + 2]];
  };
  const [r, g, b] = px(drawn, 0.7, 0.75);
  assert.ok(r > 200 && g > 150 && b < 120, `line pixel ${[r, g, b]} is yellow`);
  const before = px(plain, 0.25, 0.25);
  const after = px(drawn, 0.25, 0.25);
  assert.ok(after[2] - after[0] > before[2] - before[0] + 10, `zone pixel ${after} is bluer than ${before}`);
  const outside = px(drawn, 0.25, 0.75);
  const same = px(plain, 0.25, 0.75);
  assert.ok(outside.every((v, i) => Math.abs(v - same[i]) < 12), 'nothing drawn elsewhere');
});

test('people found on the frame are drawn as dashed white boxes', async () => {
  let frame = null;
  for await (const f of oneByOneFrames()) {
    frame = f.frame;
    break;
  }
  assert.ok(frame);
  const box = { x: 100, y: 100, width: 200, height: 250 };
  const plain = await sharp(await encodeAnnotated(frame, [], 90)).raw().toBuffer({ resolveWithObject: true });
  const drawn = await sharp(await encodeAnnotated(frame, [], 90, null, [box])).raw().toBuffer({ resolveWithObject: true });
  const at = (img: typeof plain, x: number, y: number) => img.data.subarray((y * img.info.width + x) * 3, (y * img.info.width + x) * 3 + 3);
  // Along the left edge the dashes are white where the room is darker; inside the box nothing changes.
  let whiter = 0;
  for (let y = 100; y < 350; y++) if (Math.min(...at(drawn, 100, y)) > 225 && Math.min(...at(plain, 100, y)) < 215) whiter++;
  assert.ok(whiter > 40, `${whiter} edge pixels turned white`);
  const inside = at(drawn, 200, 225);
  const before = at(plain, 200, 225);
  assert.ok([0, 1, 2].every((i) => Math.abs(inside[i] - before[i]) < 12), 'inside the box untouched');
});
