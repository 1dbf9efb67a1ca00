import type { PlacementIssue } from '../contracts/placement.js';

/** What the figures are judged against (the recognition gates in force, and where size stops limiting). */
export interface PlacementNeeds {
  minFaceWidthPx: number;
  goodFaceWidthPx: number;
  minSharpness: number;
  /** Median frontal score below which most faces are seen too much from the side. */
  goodFrontal: number;
}

export interface PlacementFigures {
  facesMeasured: number;
  medianFaceWidthPx: number | null;
  medianSharpness: number | null;
  medianFrontal: number | null;
  identifiableShare: number | null;
}

/** Below this share of identifiable faces the camera is called poorly placed even when each median passes. */
export const MIN_IDENTIFIABLE_SHARE = 0.5;

/**
 * Turns measured figures into an installer's verdict and plain sentences, worst problem first. The sentences name
 * the measured value and what recognition needs, so the advice can be checked against the live view.
 */
export function placementAdvice(f: PlacementFigures, needs: PlacementNeeds, minutes: number): { verdict: 'good' | 'poor' | 'no-data'; issues: PlacementIssue[]; advice: string[] } {
  if (f.facesMeasured === 0 || f.medianFaceWidthPx === null) {
    return {
      verdict: 'no-data',
      issues: ['no-faces'],
      advice: [`No face was measured in the last ${minutes} min: ask someone to walk past the camera, or check that it points where people face it.`],
    };
  }
  const issues: PlacementIssue[] = [];
  const advice: string[] = [];
  const px = Math.round(f.medianFaceWidthPx);
  if (f.medianFaceWidthPx < needs.minFaceWidthPx) {
    issues.push('too-small');
    advice.push(
      `Faces are ${px} px wide: move the camera closer or zoom in; recognition needs at least ${needs.minFaceWidthPx} px and works best from ${needs.goodFaceWidthPx} px.`,
    );
  } else if (f.medianFaceWidthPx < needs.goodFaceWidthPx) {
    advice.push(`Faces are ${px} px wide: enough to recognise people; from ${needs.goodFaceWidthPx} px (a little closer or more zoom) recognition is surer.`);
  }
  if (f.medianSharpness !== null && f.medianSharpness < needs.minSharpness) {
    issues.push('blurry');
    advice.push(
      `Faces are blurred (sharpness ${Math.round(f.medianSharpness)}, recognition needs ${needs.minSharpness}): focus the lens, add light, or use a shorter shutter time.`,
    );
  }
  if (f.medianFrontal !== null && f.medianFrontal < needs.goodFrontal) {
    issues.push('turned-away');
    advice.push(
      `Most faces are seen from the side (frontal ${f.medianFrontal.toFixed(2)}, best above ${needs.goodFrontal}): point the camera along the way people walk in, near head height.`,
    );
  }
  const share = f.identifiableShare ?? 0;
  if (share < MIN_IDENTIFIABLE_SHARE) {
    issues.push('few-identifiable');
    advice.push(`Only ${Math.round(share * 100)} % of the ${f.facesMeasured} faces measured were good enough to identify someone.`);
  }
  if (issues.length === 0) advice.unshift(`Good placement: ${Math.round(share * 100)} % of the ${f.facesMeasured} faces measured can identify someone.`);
  return { verdict: issues.length ? 'poor' : 'good', issues, advice };
}
