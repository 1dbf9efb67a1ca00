/**
 * Enrol from a camera: pick a camera, start, the appliance collects the best single-face shots for some seconds
 * (polled), the manager keeps or drops each shot, then the kept ones are enrolled with a verdict per shot.
 */
import { useState } from 'preact/hooks';
import { api, apiUrl } from '../../kit/api.js';
import { ErrorNote, Note } from '../../kit/components/feedback.js';
import { Button, NumberField, SelectField } from '../../kit/components/forms.js';
import { Card } from '../../kit/components/layout.js';
import { useAction, useApi, useInterval } from '../../kit/hooks.js';
import type { CameraList, EnrolResult } from '../../kit/contracts.js';
import type { CaptureView } from './contracts.js';
import { FaceTiles, toggled } from './face-tiles.js';
import { P } from './strings.js';

export function CameraCapture({ staffId, onEnrolled }: { staffId: string; onEnrolled: () => void }) {
  const cameras = useApi(() => api.get<CameraList>('/cameras'));
  const [camera, setCamera] = useState('');
  const [seconds, setSeconds] = useState(8);
  const [capture, setCapture] = useState<CaptureView | null>(null);
  const [keep, setKeep] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<EnrolResult | null>(null);
  const options = (cameras.data?.items ?? []).filter((c) => c.config.enabled).map((c) => ({ value: c.config.id, label: c.config.name }));
  const chosen = camera || options[0]?.value || '';

  const start = useAction(async () => {
    setResult(null);
    const c = await api.post<CaptureView>('/enrol-captures', { cameraId: chosen, seconds, maxShots: 6 });
    setCapture(c);
    setKeep(new Set());
    return c;
  });
  const poll = useAction(async () => {
    if (!capture) return;
    const c = await api.get<CaptureView>(`/enrol-captures/${capture.id}`);
    setCapture(c);
    // Every shot starts kept: the manager drops the ones that are not this person.
    if (c.state === 'done') setKeep(new Set(c.shots.map((s) => s.shotId)));
    return c;
  });
  useInterval(() => void poll.run(), capture?.state === 'collecting' ? 1000 : null);
  const enrol = useAction(async () => {
    const r = await api.post<EnrolResult>(`/staff/${encodeURIComponent(staffId)}/enrol-capture`, { captureId: capture!.id, keep: [...keep] });
    setResult(r);
    onEnrolled();
    return r;
  });

  const left = capture ? Math.max(0, Math.ceil((Date.parse(capture.endsAt) - Date.now()) / 1000)) : 0;
  const verdictOf = (shotId: string) => result?.photos.find((p) => p.source.endsWith(` shot ${shotId}`));
  return (
    <Card title={P.capture.title}>
      <p class="muted small">{P.capture.intro}</p>
      {cameras.data && options.length === 0 ? (
        <Note kind="warn">{P.capture.noCamera}</Note>
      ) : (
        <div class="filters">
          <SelectField label={P.capture.camera} value={chosen} onValue={setCamera} options={options} />
          <NumberField label={P.capture.seconds} value={seconds} min={3} max={30} onValue={(v) => setSeconds(Math.min(30, Math.max(3, Math.round(v))))} />
          <div class="form-actions">
            <Button kind="primary" busy={start.busy || capture?.state === 'collecting'} disabled={!chosen} onClick={() => void start.run()}>
              {capture ? P.capture.again : P.capture.start}
            </Button>
          </div>
        </div>
      )}
      <ErrorNote error={start.error ?? poll.error} />
      {capture && (
        <>
          <p class="small" role="status" aria-live="polite">
            {capture.state === 'collecting' ? P.capture.collecting(left) + ' · ' : ''}
            {P.capture.counters(capture.frames, capture.singleFaceFrames, capture.tooPoor)}
          </p>
          {capture.hint && <Note kind="warn">{capture.hint}</Note>}
          {capture.shots.length > 0 && (
            <>
              <h3>{P.capture.shotsTitle}</h3>
              <FaceTiles
                tiles={capture.shots.map((s, i) => {
                  const v = verdictOf(s.shotId);
                  return {
                    key: s.shotId,
                    src: apiUrl(`/enrol-captures/${capture.id}/shots/${s.shotId}`),
                    alt: P.capture.shotAlt(i + 1),
                    tone: v ? (v.verdict === 'accepted' ? 'good' : 'bad') : undefined,
                    caption: (
                      <span class="small">
                        {P.capture.shotFacts(s.widthPx, s.quality)}
                        {v && <strong> — {P.staffDetail.verdicts[v.verdict] ?? v.verdict}</strong>}
                      </span>
                    ),
                  };
                })}
                chosen={keep}
                onToggle={capture.state === 'done' && !result ? (k) => setKeep(toggled(keep, k)) : undefined}
                chooseLabel={(t) => `${P.capture.keep} ${t.alt.toLowerCase()}`}
              />
            </>
          )}
          {capture.state === 'done' && !result && capture.shots.length > 0 && (
            <Button kind="primary" busy={enrol.busy} disabled={keep.size === 0} onClick={() => void enrol.run()}>
              {P.capture.enrolKept(keep.size)}
            </Button>
          )}
          {capture.state === 'done' && capture.shots.length === 0 && <Note kind="warn">{P.capture.noShots}</Note>}
          <ErrorNote error={enrol.error} />
          {result && <Note kind={result.accepted ? 'ok' : 'warn'}>{P.staffDetail.result(result.accepted, result.rejected)}</Note>}
        </>
      )}
    </Card>
  );
}
