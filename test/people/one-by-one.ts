/** The shared one-by-one clip (six people, one at a time, never a face) and its hand-read timeline. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbFrame } from '../../device/src/frame/frame.js';
import { peopleDataDir } from '../../device/src/util/paths.js';
import { videoFrames } from '../../scripts/bench/video-frames.js';

export const ONE_BY_ONE = join(peopleDataDir(), 'one-by-one.mp4');
export const ONE_BY_ONE_FPS = 10;
export const ONE_BY_ONE_SIZE = { width: 768, height: 432 };

export interface CsvPerson {
  person: number;
  entersS: number;
  leavesS: number;
}

/** The six people of one-by-one.csv (times ±1 s). */
export function oneByOnePeople(): CsvPerson[] {
  const lines = readFileSync(join(peopleDataDir(), 'one-by-one.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [person, enters, leaves] = l.split(',');
    return { person: Number(person), entersS: Number(enters), leavesS: Number(leaves) };
  });
}

/** How many people the CSV has in the room at `s` seconds (0 or 1 on this clip). */
export function csvOccupancy(people: CsvPerson[], s: number): number {
  return people.filter((p) => s >= p.entersS && s < p.leavesS).length;
}

/** Frames of the clip at its own rate (index i is at i / 10 s), every `step`-th one, streamed. */
export async function* oneByOneFrames(step = 1, size = ONE_BY_ONE_SIZE): AsyncGenerator<{ frame: RgbFrame; index: number; seconds: number }> {
  let index = 0;
  for await (const frame of videoFrames(ONE_BY_ONE, size.width, size.height)) {
    if (index % step === 0) yield { frame, index, seconds: index / ONE_BY_ONE_FPS };
    index++;
  }
}
