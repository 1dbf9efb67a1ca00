/** Images the API serves behind the session cookie: MJPEG live views, snapshots and face crops. */
import { useState } from 'preact/hooks';
import { apiUrl } from '../api.js';

/**
 * A live MJPEG view in an <img> (the browser sends the session cookie). On an error it shows the
 * reason in place and offers to try again, instead of a broken image.
 */
export function LiveImage({ cameraId, alt, fps, unavailable }: { cameraId: string; alt: string; fps?: number; unavailable: string }) {
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);
  const src = apiUrl(`/live/${encodeURIComponent(cameraId)}/mjpeg`, { fps, a: attempt || undefined });
  return (
    <div class="live">
      {failed ? (
        <div class="live-placeholder">
          <p>{unavailable}</p>
          <button type="button" onClick={() => { setFailed(false); setAttempt(attempt + 1); }}>↻</button>
        </div>
      ) : (
        <img src={src} alt={alt} onError={() => setFailed(true)} />
      )}
    </div>
  );
}

export function CropImage({ cropId, alt, size = 44 }: { cropId: string | null; alt: string; size?: number }) {
  if (!cropId) return <span class="thumb" role="img" aria-label={alt} style={{ width: `${size}px`, height: `${size}px` }} />;
  return <img class="thumb" src={apiUrl(`/crops/${encodeURIComponent(cropId)}`)} alt={alt} width={size} height={size} loading="lazy" style={{ width: `${size}px`, height: `${size}px` }} />;
}
