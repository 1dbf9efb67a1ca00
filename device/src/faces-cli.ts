#!/usr/bin/env node
/**
 * Face engine command line (`npm run faces -- <verb>`):
 *   detect IMAGE [--out annotated.jpg] [--threshold 0.8] [--tiling]   faces as JSON
 *   compare A B                                                         same person? (Euclidean distance)
 *   enrol DIR --gallery FILE                                            one sub-folder per person (staff rules)
 *   identify IMAGE --gallery FILE [--threshold 0.58]                    every face, left to right
 * Results go to stdout as JSON; bad input exits non-zero with one line on stderr.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { enrolDirectory, identifyFrame, loadGalleryFile, saveGalleryFile, toGallery } from './identity/gallery-file.js';
import { annotate } from './vision/annotate.js';
import { FaceEngine, type FaceAnalysis } from './vision/engine.js';
import { encodeJpeg, ImageDecodeError } from './vision/image.js';
import { analyzePrimary } from './vision/primary-face.js';
import { confidence, euclidean, isSamePerson, SAME_PERSON_MAX_DISTANCE } from './vision/similarity.js';

const USAGE = 'usage: faces detect IMAGE [--out FILE] [--threshold N] [--tiling] | compare A B | enrol DIR --gallery FILE | identify IMAGE --gallery FILE';

class UsageError extends Error {}

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

function faceJson(f: FaceAnalysis) {
  return {
    box: { x: round(f.box.x, 1), y: round(f.box.y, 1), width: round(f.box.width, 1), height: round(f.box.height, 1) },
    score: round(f.score),
    quality: { size: round(f.quality.size, 1), sharpness: round(f.quality.sharpness, 1), frontal: round(f.quality.frontal), score: round(f.quality.score) },
    rollDegrees: round(f.rollDegrees, 1),
    age: f.age === null ? null : round(f.age, 1),
    gender: f.gender ? { value: f.gender.value, confidence: round(f.gender.confidence) } : null,
    landmarks: f.landmarks.map((p) => [round(p.x, 1), round(p.y, 1)]),
  };
}

function numberOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n >= 2) throw new UsageError(`--${name} must be a number between 0 and 2, got "${v}"`);
  return n;
}

async function run(argv: string[]): Promise<unknown> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, gallery: { type: 'string' }, threshold: { type: 'string' }, tiling: { type: 'boolean' } },
  });
  const [verb, ...args] = positionals;
  const need = (n: number) => { if (args.length !== n) throw new UsageError(`${verb} takes ${n} argument${n > 1 ? 's' : ''}; ${USAGE}`); };
  const threshold = numberOption(values.threshold, 'threshold');

  switch (verb) {
    case 'detect': {
      need(1);
      const engine = await FaceEngine.create();
      const frame = await engine.toFrame(args[0]);
      const faces = (await engine.analyze(frame, { threshold, tiling: values.tiling })).sort((a, b) => a.box.x - b.box.x);
      if (values.out) await writeFile(values.out, await encodeJpeg(annotate(frame, faces)));
      return { image: args[0], width: frame.width, height: frame.height, faces: faces.map(faceJson), timings: engine.lastTimings };
    }
    case 'compare': {
      need(2);
      const engine = await FaceEngine.create({ ageGender: false });
      const [a, b] = [await primaryOrFail(engine, args[0]), await primaryOrFail(engine, args[1])];
      const t = threshold ?? SAME_PERSON_MAX_DISTANCE;
      const distance = euclidean(a.embedding, b.embedding);
      return { distance: round(distance, 4), samePerson: isSamePerson(distance, t), threshold: t, confidence: round(confidence(distance, t)) };
    }
    case 'enrol': {
      need(1);
      if (!values.gallery) throw new UsageError(`enrol needs --gallery FILE; ${USAGE}`);
      const engine = await FaceEngine.create({ ageGender: false });
      const r = await enrolDirectory(engine, args[0]);
      if (!r.ok) throw new UsageError(r.error);
      await saveGalleryFile(values.gallery, r.value.gallery);
      // One EnrolReport per person folder, as staff enrolment gives (every photo with its verdict).
      return { gallery: values.gallery, people: r.value.people };
    }
    case 'identify': {
      need(1);
      if (!values.gallery) throw new UsageError(`identify needs --gallery FILE; ${USAGE}`);
      const file = await loadGalleryFile(values.gallery);
      if (!file.ok) throw new UsageError(file.error);
      const gallery = toGallery(file.value);
      const engine = await FaceEngine.create({ ageGender: false });
      const faces = (await engine.analyze(args[0])).sort((a, b) => a.box.x - b.box.x);
      return {
        image: args[0],
        faces: identifyFrame(gallery, faces, { threshold }).map((d, i) => {
          const f = faces[i];
          const best = d.kind === 'match' ? { label: d.label, distance: d.distance } : d.kind === 'unusable' ? null : d.best;
          return {
            box: faceJson(f).box,
            name: d.kind === 'match' ? d.label : null,
            decision: d.kind,
            nearest: best ? { name: best.label, distance: round(best.distance, 4) } : null,
            quality: round(f.quality.score),
          };
        }),
      };
    }
    default:
      throw new UsageError(verb ? `unknown verb "${verb}"; ${USAGE}` : USAGE);
  }
}

async function primaryOrFail(engine: FaceEngine, path: string): Promise<FaceAnalysis> {
  const r = await analyzePrimary(engine, path);
  if (!r.ok) throw new UsageError(`${path}: ${r.error}`);
  return r.value;
}

try {
  const result = await run(process.argv.slice(2));
  // one landmark pair per line instead of four
  process.stdout.write(JSON.stringify(result, null, 2).replace(/\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]/g, '[$1, $2]') + '\n');
} catch (e) {
  const line = e instanceof ImageDecodeError ? `${e.kind}: ${e.message}` : (e as Error).message ?? String(e);
  process.stderr.write(`faces: ${line.split('\n')[0]}\n`);
  process.exitCode = e instanceof UsageError || e instanceof ImageDecodeError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
}
