/** One staff member: face samples, enrol from photos, from a camera or from faces already seen; rename; remove. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, apiUrl } from '../../kit/api.js';
import { Async, useToast } from '../../kit/components/feedback.js';
import { Button, Form, TextField } from '../../kit/components/forms.js';
import { Card, Page } from '../../kit/components/layout.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { StaffDetail as StaffDetailView } from '../../kit/contracts.js';
import { CameraCapture } from '../people/camera-capture.js';
import { EnrolSeen } from '../people/enrol-seen.js';
import { FaceTiles } from '../people/face-tiles.js';
import { ForgetPerson } from '../people/forget-person.js';
import { PhotoUpload } from '../people/photo-upload.js';
import { P } from '../people/strings.js';
import '../people/people.css';

export default function StaffDetail({ id }: { id: string }) {
  const can = useCan();
  const toast = useToast();
  const { route } = useLocation();
  const staff = useApi(() => api.get<StaffDetailView>(`/staff/${encodeURIComponent(id)}`), [id]);
  const [name, setName] = useState<string | null>(null);
  const rename = useAction(async () => {
    await api.patch(`/staff/${encodeURIComponent(id)}`, { name });
    toast(P.staffDetail.renamed);
    setName(null);
    staff.reload();
  });
  const title = staff.data?.name ?? P.staff.title;
  return (
    <Page title={title} actions={<a href="/staff">{P.staffDetail.back}</a>}>
      <Async resource={staff}>
        {(s) => (
          <>
            <Card title={P.staffDetail.samplesTitle}>
              {s.sampleList.length === 0 ? (
                <p class="muted">{P.staffDetail.noSamples}</p>
              ) : (
                <FaceTiles
                  tiles={s.sampleList.map((x, i) => ({
                    key: x.sampleId,
                    src: x.cropId ? apiUrl(`/crops/${encodeURIComponent(x.cropId)}`) : null,
                    alt: `${P.staff.photoOf(s.name)} ${i + 1}`,
                    caption: <span class="small muted">{fmt.dateTime(x.createdAt)}</span>,
                  }))}
                />
              )}
              {can('staff.write') && (
                <Form onSubmit={() => void rename.run()} error={rename.error} label={P.staffDetail.rename}>
                  <div class="filters">
                    <TextField label={P.staff.name} value={name ?? s.name} onValue={setName} maxLength={80} />
                    <div class="form-actions">
                      <Button type="submit" busy={rename.busy} disabled={name === null || !name.trim()}>
                        {P.staffDetail.rename}
                      </Button>
                    </div>
                  </div>
                </Form>
              )}
            </Card>
            {can('staff.write') && (
              <>
                <PhotoUpload staffId={s.id} onEnrolled={staff.reload} />
                <CameraCapture staffId={s.id} onEnrolled={staff.reload} />
                {/* Keyed by the sample count: after any enrolment the lists and the forget preview are re-read. */}
                <EnrolSeen key={`seen-${s.samples}`} staffId={s.id} onEnrolled={staff.reload} />
                <Card title={P.staffDetail.remove}>
                  <ForgetPerson
                    key={`forget-${s.samples}`}
                    personId={s.id}
                    label={P.staffDetail.remove}
                    deletePath={`/staff/${encodeURIComponent(s.id)}`}
                    onDone={() => {
                      toast(P.staffDetail.removed(s.name));
                      route('/staff');
                    }}
                  />
                </Card>
              </>
            )}
          </>
        )}
      </Async>
    </Page>
  );
}
