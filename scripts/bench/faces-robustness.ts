/**
 * bench:faces `robustness`: the identity photos made harder at test time (docs/identity.md, issue 13) and
 * identified against the CLEAN photos of everyone, leaving out the probe's own clean photo (as `rank1` does).
 *
 * - roll: the whole photo rotated by ±20°, ±40°, ±60° (rotating the image rotates the head);
 * - width: the photo scaled so the face is 120, 60, 40 or 25 px wide (never enlarged);
 * - blur: a Gaussian blur of sigma 1, 2 or 4 px.
 *
 * Per condition: `rank1` (the nearest clean photo is the same person), `wrong` (the nearest clean photo is
 * someone else AND within the same-person threshold: a wrong name), `noFace`, `unidentifiable` (found but below
 * the identity gate: counted as an unidentified visitor, never named) and `probes`. A roll key reports the worse
 * of its two signs. `staffAsCustomer`: faces of enrolled people, over all conditions, that would have minted a
 * customer: identifiable, upright (a levelled head never mints one: identity/track-decider.ts), and farther than
 * the staff guard from every photo of their own person, so nothing would hold them back as "plausibly staff".
 * `heldBackLevelled`: faces that far from their own photos which only the levelled-head rule keeps from minting.
 */
import sharp, { type Sharp } from 'sharp';
import type { FaceEngine, FaceAnalysis } from '../../device/src/vision/engine.js';
import { primaryFace } from '../../device/src/vision/primary-face.js';
import { canIdentify } from '../../device/src/vision/quality.js';
import { euclidean, SAME_PERSON_MAX_DISTANCE } from '../../device/src/vision/similarity.js';
import { defaultThresholds } from '../../device/src/identity/thresholds.js';

export interface CleanPhoto { person: string; file: string; path: string; face: FaceAnalysis | null }

interface Counts { rank1: number; wrong: number; noFace: number; unidentifiable: number; probes: number }

type Degrade = (img: Sharp, clean: FaceAnalysis, width: number) => Sharp | null;

const ROLLS = [20, 40, 60];
const WIDTHS = [120, 60, 40, 25];
const BLURS = [1, 2, 4];

export async function robustness(engine: FaceEngine, photos: CleanPhoto[], say: (m: string) => void) {
  const counts = new Map<string, number>();
  for (const p of photos) counts.set(p.person, (counts.get(p.person) ?? 0) + 1);
  const probes = photos.filter((p) => p.face && (counts.get(p.person) ?? 0) >= 2);
  let staffAsCustomer = 0;
  let heldBackLevelled = 0;

  const run = async (label: string, degrade: Degrade): Promise<Counts> => {
    const c: Counts = { rank1: 0, wrong: 0, noFace: 0, unidentifiable: 0, probes: probes.length };
    for (const probe of probes) {
      const meta = await sharp(probe.path).metadata();
      const img = degrade(sharp(probe.path).rotate().flatten({ background: '#000' }), probe.face!, meta.width ?? 0);
      const face = img ? primaryFace(await engine.analyze(await img.png().toBuffer(), { ageGender: false })) : probe.face;
      if (!face) {
        c.noFace++;
        continue;
      }
      if (!canIdentify(face.quality)) {
        c.unidentifiable++;
        continue;
      }
      let best: CleanPhoto | null = null;
      let bestD = Infinity;
      let ownD = Infinity;
      for (const other of photos) {
        if (other === probe || !other.face) continue;
        const d = euclidean(face.embedding, other.face.embedding);
        if (d < bestD) [bestD, best] = [d, other];
        if (other.person === probe.person && d < ownD) ownD = d;
      }
      if (best?.person === probe.person) c.rank1++;
      else if (best && bestD <= SAME_PERSON_MAX_DISTANCE) c.wrong++;
      if (ownD > defaultThresholds.staffGuard) {
        if (face.quality.levelled) heldBackLevelled++;
        else staffAsCustomer++;
      }
    }
    say(`robustness ${label}: ${JSON.stringify(c)}`);
    return c;
  };

  const worse = (a: Counts, b: Counts) => ({ rank1: Math.min(a.rank1, b.rank1), wrong: Math.max(a.wrong, b.wrong), probes: a.probes, plus: a, minus: b });
  const roll: Record<string, unknown> = { 0: await run('roll 0', () => null) };
  for (const deg of ROLLS) {
    const plus = await run(`roll +${deg}`, (img) => img.rotate(deg, { background: '#000' }));
    const minus = await run(`roll -${deg}`, (img) => img.rotate(-deg, { background: '#000' }));
    roll[deg] = worse(plus, minus);
  }
  const width: Record<string, Counts> = {};
  for (const w of WIDTHS) {
    width[w] = await run(`width ${w}`, (img, clean, imgWidth) => {
      const scale = Math.min(1, w / clean.box.width);
      return scale >= 1 ? null : img.resize({ width: Math.max(8, Math.round(imgWidth * scale)) });
    });
  }
  const blur: Record<string, Counts> = {};
  for (const sigma of BLURS) blur[sigma] = await run(`blur ${sigma}`, (img) => img.blur(sigma));
  return { roll, width, blur, staffAsCustomer, heldBackLevelled, staffGuard: defaultThresholds.staffGuard };
}
