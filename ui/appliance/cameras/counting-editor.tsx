/**
 * A camera's footfall set-up: what it analyses (faces, persons or both) and its counting lines and zones, drawn by
 * hand on the latest snapshot (counting-drawing.tsx) or typed as coordinates (fractions of the frame, 0–1), each
 * with its door, saved with PATCH /cameras/{id}.
 */
import { useState } from 'preact/hooks';
import { api, apiUrl } from '../../kit/api.js';
import { Button, Form, SelectField, TextField } from '../../kit/components/forms.js';
import { Card } from '../../kit/components/layout.js';
import { useToast } from '../../kit/components/feedback.js';
import { useAction } from '../../kit/hooks.js';
import type { CameraView } from '../../kit/contracts.js';
import { S } from '../strings.js';
import { CountingDrawing, type DrawPoint } from './counting-drawing.js';

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
  const newLine = (text: string): Line & { text: string } => ({ id: unusedId('line', lines), name: T.lineN(lines.length + 1), points: [], inSide: 'right', door: null, text });
  const newZone = (text: string): Zone & { text: string } => ({ id: unusedId('zone', zones), name: T.zoneN(zones.length + 1), polygon: [], door: null, text });
  const doorOf = (text: string) => text.trim() || null;
  return (
    <Card title={T.title}>
      <p class="small muted">{T.intro}</p>
      <CountingDrawing
        snapshotUrl={apiUrl(`/live/${encodeURIComponent(camera.id)}/snapshot`)}
        snapshotAlt={T.snapshotOf(camera.name)}
        lines={lines.map((l) => ({ name: l.name, inSide: l.inSide, points: finite(parsePoints(l.text)) }))}
        zones={zones.map((z) => ({ name: z.name, points: finite(parsePoints(z.text)) }))}
        onLinePoints={(i, points: DrawPoint[]) => setLine(i, { text: pointsText(points) })}
        onZonePoints={(i, points: DrawPoint[]) => setZone(i, { text: pointsText(points) })}
        onAddLine={(points) => setLines([...lines, newLine(pointsText(points))])}
        onAddZone={(points) => setZones([...zones, newZone(pointsText(points))])}
        onRemove={(s) => (s.kind === 'line' ? setLines(lines.filter((_, j) => j !== s.index)) : setZones(zones.filter((_, j) => j !== s.index)))}
      />
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
            <TextField label={T.door} hint={T.doorHint} value={l.door ?? ''} onValue={(door) => setLine(i, { door: doorOf(door) })} />
            <Button onClick={() => setLines(lines.filter((_, j) => j !== i))}>{T.removeLine}</Button>
          </fieldset>
        ))}
        <Button onClick={() => setLines([...lines, newLine('0.5,0.1 0.5,0.9')])}>{T.addLine}</Button>
        <h3>{T.zones}</h3>
        {zones.length === 0 && <p class="small muted">{T.noZones}</p>}
        {zones.map((z, i) => (
          <fieldset key={i} class="filters" aria-label={T.zoneN(i + 1)}>
            <TextField label={T.id} value={z.id} onValue={(id) => setZone(i, { id })} />
            <TextField label={T.name} value={z.name} onValue={(name) => setZone(i, { name })} />
            <TextField label={T.polygon} hint={T.pointsHint} value={z.text} onValue={(text) => setZone(i, { text })} />
            <TextField label={T.door} hint={T.doorHint} value={z.door ?? ''} onValue={(door) => setZone(i, { door: doorOf(door) })} />
            <Button onClick={() => setZones(zones.filter((_, j) => j !== i))}>{T.removeZone}</Button>
          </fieldset>
        ))}
        <Button onClick={() => setZones([...zones, newZone('0.2,0.2 0.8,0.2 0.8,0.8 0.2,0.8')])}>{T.addZone}</Button>
        <div class="row">
          <Button type="submit" kind="primary" busy={save.busy}>
            {T.save}
          </Button>
        </div>
      </Form>
    </Card>
  );
}
