/** Test connection: size, codec and decoder, or the camera's clear error; then its latest picture. */
import { useEffect, useState } from 'preact/hooks';
import { api, apiUrl } from '../../kit/api.js';
import { Button } from '../../kit/components/forms.js';
import { ErrorNote, Loading, Note } from '../../kit/components/feedback.js';
import { useAction } from '../../kit/hooks.js';
import type { ConnectionTestResult } from '../../kit/contracts.js';
import { S } from '../strings.js';

export function ConnectionTest({ cameraId, autoStart, withSnapshot }: { cameraId: string; autoStart?: boolean; withSnapshot?: boolean }) {
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const test = useAction(async () => {
    setResult(null);
    setResult(await api.post<ConnectionTestResult>(`/cameras/${encodeURIComponent(cameraId)}/test`));
  });
  useEffect(() => {
    if (autoStart) void test.run();
  }, [cameraId]);
  return (
    <div class="stack">
      <div class="row">
        <Button busy={test.busy} onClick={() => void test.run()}>
          {test.busy ? S.setup.testing : S.setup.testConnection}
        </Button>
      </div>
      <ErrorNote error={test.error} />
      {result && (result.ok ? <Note kind="ok">{S.setup.testOk(result.width, result.height, result.codec, result.decoder)}</Note> : <Note kind="error">{S.setup.testFailed(result.error)}</Note>)}
      {withSnapshot && result?.ok && <Snapshot cameraId={cameraId} />}
    </div>
  );
}

/** The latest annotated frame; retried until the camera has delivered one (the API answers 503 before). */
export function Snapshot({ cameraId }: { cameraId: string }) {
  const [attempt, setAttempt] = useState(0);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (loaded || attempt > 30) return;
    const t = setTimeout(() => setAttempt((a) => a + 1), 2000);
    return () => clearTimeout(t);
  }, [attempt, loaded]);
  return (
    <figure style={{ margin: 0 }}>
      <figcaption class="small muted">{S.setup.snapshot}</figcaption>
      {!loaded && <Loading label={S.setup.snapshotWaiting} />}
      <img
        key={attempt}
        class={loaded ? 'snapshot' : 'visually-hidden'}
        src={apiUrl(`/live/${encodeURIComponent(cameraId)}/snapshot`, { t: attempt })}
        alt={S.setup.snapshot}
        onLoad={() => setLoaded(true)}
        style={{ maxWidth: '100%', borderRadius: '8px' }}
      />
    </figure>
  );
}
