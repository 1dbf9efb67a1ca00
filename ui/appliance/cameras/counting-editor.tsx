/**
 * A camera's footfall set-up: what it analyses (faces, persons or both) and its counting lines and zones, drawn
 * over the latest snapshot and edited as coordinates (fractions of the frame, 0–1), saved with PATCH /cameras/{id}.
 */
import { useState } from 'preact/hooks';
import { api, apiUrl } from '../../kit/api.js';
import { Button, Form, SelectField, TextField } from '../../kit/components/forms.js';
import { Card } from '../../kit/components/layout.js';
import { useToast } from '../../kit/components/feedback.js';
import { useAction } from '../../kit/hooks.js';
import type { CameraView } from '../../kit/contracts.js';
import { S } from '../strings.js';

type Config = CameraView['config'];
type Line = Config['lines'][number];
type Zone = Config['zones'][number];
type Point = Line['points'][number];

/** "x,y x,y …" ↔ points. Unparsable numbers stay NaN (sent as null) so the server names the bad field. */
const pointsText = (points: Point[]) => points.map((p) => `${p.x},${p.y}`).join(' ');
const parsePoints = (text: string): Point[] =>
  text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const [x, y] = pair.split(',').map((n) => (n === undefined || n.trim() === '' ? NaN : Number(n)));
      return { x, y };
    });

const unusedId = (prefix: string, taken: Array<{ id: string }>) => {
  let n = taken.length + 1;
  while (taken.some((t) => t.id === `${prefix}-${n}`)) n++;
  return `${prefix}-${n}`;
};

export function CountingEditor({ camera, onSaved }: { camera: Config; onSaved: () => void }) {
  const T = S.counting;
  const toast = useToast();
  const [analyse, setAnalyse] = useState(camera.analyse);
  const [lines, setLines] = useState<Array<Line & { text: string }>>(camera.lines.map((l) => ({ ...l, text: pointsText(l.points) })));
  const [zones, setZones] = useState<Array<Zone & { text: string }>>(camera.zones.map((z) => ({ ...z, text: pointsText(z.polygon) })));
  const save = useAction(async () => {
    await api.patch(`/cameras/${encodeURIComponent(camera.id)}`, {
      analyse,
      lines: lines.map(({ text, ...l }) => ({ ...l, points: parsePoints(text) })),
      zones: zones.map(({ text, ...z }) => ({ ...z, polygon: parsePoints(text) })),
    });
    toast(T.saved);
    onSaved();
  });
  const setLine = (i: number, patch: Partial<Line & { text: string }>) => setLines(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const setZone = (i: number, patch: Partial<Zone & { text: string }>) => setZones(zones.map((z, j) => (j === i ? { ...z, ...patch } : z)));
  const finite = (ps: Point[]) => ps.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  return (
    <Card title={T.title}>
      <p class="small muted">{T.intro}</p>
      <figure class="counting-preview">
        <img class="snapshot" src={apiUrl(`/live/${encodeURIComponent(camera.id)}/snapshot`)} alt={T.snapshotOf(camera.name)} />
        <svg viewBox="0 0 1 1" preserveAspectRatio="none" aria-label={T.drawing} role="img">
          {zones.map((z) => (
            <polygon key={z.id} class="zone" points={finite(parsePoints(z.text)).map((p) => `${p.x},${p.y}`).join(' ')} />
          ))}
          {lines.map((l) => (
            <polyline key={l.id} class="line" points={finite(parsePoints(l.text)).map((p) => `${p.x},${p.y}`).join(' ')} />
          ))}
        </svg>
      </figure>
      <Form label={T.title} onSubmit={() => void save.run()} error={save.error}>
        <SelectField label={T.analyse} value={analyse} onValue={setAnalyse} options={(['faces', 'persons', 'both'] as const).map((v) => ({ value: v, label: T.modes[v] }))} />
        <h3>{T.lines}</h3>
        {lines.length === 0 && <p class="small muted">{T.noLines}</p>}
        {lines.map((l, i) => (
          <fieldset key={i} class="filters" aria-label={T.lineN(i + 1)}>
            <TextField label={T.id} value={l.id} onValue={(id) => setLine(i, { id })} />
            <TextField label={T.name} value={l.name} onValue={(name) => setLine(i, { name })} />
            <TextField label={T.points} hint={T.pointsHint} value={l.text} onValue={(text) => setLine(i, { text })} />
            <SelectField label={T.inSide} value={l.inSide} onValue={(inSide) => setLine(i, { inSide })} options={[{ value: 'left', label: T.left }, { value: 'right', label: T.right }]} />
            <Button onClick={() => setLines(lines.filter((_, j) => j !== i))}>{T.removeLine}</Button>
          </fieldset>
        ))}
        <Button onClick={() => setLines([...lines, { id: unusedId('line', lines), name: T.lineN(lines.length + 1), points: [], inSide: 'right', door: null, text: '0.5,0.1 0.5,0.9' }])}>{T.addLine}</Button>
        <h3>{T.zones}</h3>
        {zones.length === 0 && <p class="small muted">{T.noZones}</p>}
        {zones.map((z, i) => (
          <fieldset key={i} class="filters" aria-label={T.zoneN(i + 1)}>
            <TextField label={T.id} value={z.id} onValue={(id) => setZone(i, { id })} />
            <TextField label={T.name} value={z.name} onValue={(name) => setZone(i, { name })} />
            <TextField label={T.polygon} hint={T.pointsHint} value={z.text} onValue={(text) => setZone(i, { text })} />
            <Button onClick={() => setZones(zones.filter((_, j) => j !== i))}>{T.removeZone}</Button>
          </fieldset>
        ))}
        <Button onClick={() => setZones([...zones, { id: unusedId('zone', zones), name: T.zoneN(zones.length + 1), polygon: [], door: null, text: '0.2,0.2 0.8,0.2 0.8,0.8 0.2,0.8' }])}>{T.addZone}</Button>
        <div class="row">
          <Button type="submit" kind="primary" busy={save.busy}>
            {T.save}
          </Button>
        </div>
      </Form>
    </Card>
  );
}
