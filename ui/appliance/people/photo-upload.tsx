/** Enrol from photos: drag and drop or choose several, a progress bar while uploading, then each photo's verdict on its thumbnail. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { ErrorNote, Note } from '../../kit/components/feedback.js';
import { Button } from '../../kit/components/forms.js';
import { Card } from '../../kit/components/layout.js';
import { useAction } from '../../kit/hooks.js';
import type { EnrolResult } from '../../kit/contracts.js';
import { DropZone } from './drop-zone.js';
import { FaceTiles } from './face-tiles.js';
import { P } from './strings.js';

export function PhotoUpload({ staffId, onEnrolled }: { staffId: string; onEnrolled: () => void }) {
  const [files, setFiles] = useState<Array<{ file: File; url: string }>>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<EnrolResult | null>(null);
  useEffect(() => () => files.forEach((f) => URL.revokeObjectURL(f.url)), [files]);
  const send = useAction(async () => {
    const form = new FormData();
    for (const f of files) form.append('photos', f.file, f.file.name);
    setProgress(0);
    try {
      const r = await api.upload<EnrolResult>(`/staff/${encodeURIComponent(staffId)}/photos`, form, setProgress);
      setResult(r);
      onEnrolled();
      return r;
    } finally {
      setProgress(null);
    }
  });
  const verdictOf = (name: string) => result?.photos.find((p) => p.source === name);
  return (
    <Card title={P.staffDetail.upload}>
      <DropZone
        hint={P.staffDetail.dropHint}
        choose={P.staffDetail.choose}
        onFiles={(picked) => {
          setResult(null);
          setFiles([...files, ...picked.map((file) => ({ file, url: URL.createObjectURL(file) }))].slice(0, 10));
        }}
      />
      {files.length > 0 && (
        <FaceTiles
          tiles={files.map(({ file, url }) => {
            const v = verdictOf(file.name);
            return {
              key: file.name,
              src: url,
              alt: file.name,
              tone: v ? (v.verdict === 'accepted' ? 'good' : 'bad') : undefined,
              caption: (
                <>
                  <span class="small">{file.name}</span>
                  {v && <strong class="small"> — {P.staffDetail.verdicts[v.verdict] ?? v.verdict}</strong>}
                </>
              ),
            };
          })}
        />
      )}
      {progress !== null && (
        <label class="small">
          {P.staffDetail.uploading}
          <progress class="progress" max={1} value={progress} />
        </label>
      )}
      {result && <Note kind={result.accepted ? 'ok' : 'warn'}>{P.staffDetail.result(result.accepted, result.rejected)}</Note>}
      <ErrorNote error={send.error} />
      <div class="row">
        <Button kind="primary" busy={send.busy} disabled={!files.length || !!result} onClick={() => void send.run()}>
          {P.staffDetail.enrolPhotos(files.length)}
        </Button>
        {(files.length > 0 || result) && (
          <Button
            kind="link"
            onClick={() => {
              setFiles([]);
              setResult(null);
            }}
          >
            {P.capture.again}
          </Button>
        )}
      </div>
    </Card>
  );
}
