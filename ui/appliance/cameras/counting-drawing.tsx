/**
 * A camera's counting lines and zones drawn on its latest snapshot, and drawn BY HAND there: drag across the picture
 * to draw a directed line (its inside shown by an arrow and "in"), click corners to draw a zone, drag any point's
 * handle to move it, click a shape and delete it. Every change goes back to the editor's coordinate fields, which
 * stay the keyboard and screen-reader way to do the same (this picture is a pointer aid, not the only way).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../../kit/components/forms.js';
import { S } from '../strings.js';

export interface DrawPoint {
  x: number;
  y: number;
}
export interface DrawLine {
  name: string;
  inSide: 'left' | 'right';
  points: DrawPoint[];
}
export interface DrawZone {
  name: string;
  points: DrawPoint[];
}
export type ShapeRef = { kind: 'line' | 'zone'; index: number };

export interface CountingDrawingProps {
  snapshotUrl: string;
  snapshotAlt: string;
  lines: DrawLine[];
  zones: DrawZone[];
  onLinePoints: (index: number, points: DrawPoint[]) => void;
  onZonePoints: (index: number, points: DrawPoint[]) => void;
  onAddLine: (points: DrawPoint[]) => void;
  onAddZone: (points: DrawPoint[]) => void;
  onRemove: (shape: ShapeRef) => void;
}

type Mode = 'edit' | 'line' | 'zone';
/** The drawing's width in SVG units; its height follows the picture's aspect (so handles stay round). */
const W = 1000;
/** A drag shorter than this (fraction of the picture) is a click, not a line. */
const MIN_LINE = 0.02;
/** A click this near a zone's first corner closes it. */
const CLOSE_DISTANCE = 0.025;

/** Fractions to 3 decimals (a thousandth of the picture is finer than a person's anchor needs). */
const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;

/** Middle of a line's first segment and the tip of an arrow from it into the inside (right of a→b, y down). */
export function insideArrow(points: DrawPoint[], inSide: 'left' | 'right', height: number, length = 40): { from: [number, number]; to: [number, number] } | null {
  if (points.length < 2) return null;
  const [a, b] = points;
  const [mx, my] = [((a.x + b.x) / 2) * W, ((a.y + b.y) / 2) * height];
  const [dx, dy] = [(b.x - a.x) * W, (b.y - a.y) * height];
  const len = Math.hypot(dx, dy) || 1;
  const s = (inSide === 'right' ? 1 : -1) * length;
  return { from: [mx, my], to: [mx + (-dy / len) * s, my + (dx / len) * s] };
}

export function CountingDrawing(p: CountingDrawingProps) {
  const T = S.counting;
  const svg = useRef<SVGSVGElement>(null);
  const [aspect, setAspect] = useState(9 / 16);
  const [mode, setMode] = useState<Mode>('edit');
  const [selected, setSelected] = useState<ShapeRef | null>(null);
  /** The line being dragged out, or the zone's corners so far. */
  const [draft, setDraft] = useState<DrawPoint[]>([]);
  const drag = useRef<{ shape: ShapeRef; vertex: number } | null>(null);
  const H = W * aspect;
  const px = (q: DrawPoint) => `${q.x * W},${q.y * H}`;

  // A shape deleted through the fields may leave the selection pointing past the end.
  const count = selected ? (selected.kind === 'line' ? p.lines : p.zones).length : 0;
  useEffect(() => {
    if (selected && selected.index >= count) setSelected(null);
  }, [selected, count]);

  const at = (e: PointerEvent): DrawPoint => {
    const r = svg.current!.getBoundingClientRect();
    return { x: round((e.clientX - r.left) / r.width), y: round((e.clientY - r.top) / r.height) };
  };
  const choose = (m: Mode) => {
    setMode(mode === m ? 'edit' : m);
    setDraft([]);
    setSelected(null);
  };
  const finishZone = (corners: DrawPoint[]) => {
    if (corners.length < 3) return;
    p.onAddZone(corners);
    setSelected({ kind: 'zone', index: p.zones.length });
    setDraft([]);
    setMode('edit');
  };
  const remove = () => {
    if (!selected) return;
    p.onRemove(selected);
    setSelected(null);
  };

  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    // Focus the picture (not in the tab order) so Delete and Escape reach it.
    svg.current!.focus();
    const q = at(e);
    if (mode === 'line') {
      svg.current!.setPointerCapture(e.pointerId);
      setDraft([q, q]);
    } else if (mode === 'zone') {
      const first = draft[0];
      if (first && draft.length >= 3 && Math.hypot(q.x - first.x, (q.y - first.y) * aspect) < CLOSE_DISTANCE) finishZone(draft);
      else setDraft([...draft, q]);
    } else {
      const target = (e.target as Element).closest('[data-shape]');
      if (!target) return setSelected(null);
      const shape: ShapeRef = { kind: target.getAttribute('data-shape') as ShapeRef['kind'], index: Number(target.getAttribute('data-index')) };
      setSelected(shape);
      const vertex = target.getAttribute('data-vertex');
      if (vertex !== null) {
        drag.current = { shape, vertex: Number(vertex) };
        svg.current!.setPointerCapture(e.pointerId);
      }
    }
    e.preventDefault();
  };
  const onMove = (e: PointerEvent) => {
    if (mode === 'line' && draft.length === 2) return setDraft([draft[0], at(e)]);
    const d = drag.current;
    if (!d) return;
    const shapes = d.shape.kind === 'line' ? p.lines : p.zones;
    const points = shapes[d.shape.index]?.points;
    if (!points) return;
    const moved = points.map((q, i) => (i === d.vertex ? at(e) : q));
    (d.shape.kind === 'line' ? p.onLinePoints : p.onZonePoints)(d.shape.index, moved);
  };
  const onUp = (e: PointerEvent) => {
    drag.current = null;
    if (mode !== 'line' || draft.length !== 2) return;
    const [a] = draft;
    const b = at(e);
    setDraft([]);
    if (Math.hypot(b.x - a.x, b.y - a.y) < MIN_LINE) return;
    p.onAddLine([a, b]);
    setSelected({ kind: 'line', index: p.lines.length });
    setMode('edit');
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      setDraft([]);
      setMode('edit');
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected) remove();
  };

  const isSel = (kind: ShapeRef['kind'], index: number) => selected?.kind === kind && selected.index === index;
  const handles = (kind: ShapeRef['kind'], index: number, points: DrawPoint[]) =>
    isSel(kind, index) && mode === 'edit'
      ? points.map((q, v) => <circle key={`${kind}${index}h${v}`} class="handle" data-shape={kind} data-index={index} data-vertex={v} cx={q.x * W} cy={q.y * H} r={12} />)
      : [];

  return (
    <div class="counting-drawing">
      <div class="row" role="toolbar" aria-label={T.drawTools}>
        <Button aria-pressed={mode === 'line' ? 'true' : 'false'} onClick={() => choose('line')}>
          {T.drawLine}
        </Button>
        <Button aria-pressed={mode === 'zone' ? 'true' : 'false'} onClick={() => choose('zone')}>
          {T.drawZone}
        </Button>
        {mode === 'zone' && (
          <Button disabled={draft.length < 3} onClick={() => finishZone(draft)}>
            {T.finishZone}
          </Button>
        )}
        <Button kind="danger" disabled={!selected} onClick={remove}>
          {selected ? T.deleteShape(selected.kind === 'line' ? p.lines[selected.index]?.name ?? '' : p.zones[selected.index]?.name ?? '') : T.deleteNothing}
        </Button>
      </div>
      <p class="small muted" aria-live="polite">
        {mode === 'line' ? T.drawLineHint : mode === 'zone' ? T.drawZoneHint(draft.length) : T.editHint}
      </p>
      <figure class={`counting-preview mode-${mode}`}>
        <img class="snapshot" src={p.snapshotUrl} alt={p.snapshotAlt} onLoad={(e) => {
          const img = e.currentTarget as HTMLImageElement;
          if (img.naturalWidth > 0) setAspect(img.naturalHeight / img.naturalWidth);
        }} />
        <svg ref={svg} viewBox={`0 0 ${W} ${H}`} aria-label={T.drawing} role="img" tabIndex={-1} onKeyDown={onKey} onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={onUp}>
          {p.zones.map((z, i) => (
            <g key={`z${i}`}>
              <polygon class={isSel('zone', i) ? 'zone selected' : 'zone'} data-shape="zone" data-index={i} points={z.points.map(px).join(' ')} />
              {handles('zone', i, z.points)}
            </g>
          ))}
          {p.lines.map((l, i) => {
            const arrow = insideArrow(l.points, l.inSide, H);
            return (
              <g key={`l${i}`}>
                <polyline class={isSel('line', i) ? 'line selected' : 'line'} data-shape="line" data-index={i} points={l.points.map(px).join(' ')} />
                {/* A wide invisible stroke: a 3-pixel line is hard to hit with a finger. */}
                <polyline class="hit" data-shape="line" data-index={i} points={l.points.map(px).join(' ')} />
                {arrow && (
                  <g class="inside" data-inside={l.inSide}>
                    <line x1={arrow.from[0]} y1={arrow.from[1]} x2={arrow.to[0]} y2={arrow.to[1]} />
                    <circle cx={arrow.to[0]} cy={arrow.to[1]} r={7} />
                    <text x={arrow.to[0]} y={arrow.to[1] - 12}>{T.inLabel}</text>
                  </g>
                )}
                {handles('line', i, l.points)}
              </g>
            );
          })}
          {draft.length > 0 && (mode === 'line' ? <polyline class="line draft" points={draft.map(px).join(' ')} /> : <polyline class="zone draft" points={draft.map(px).join(' ')} />)}
          {mode === 'zone' && draft.map((q, v) => <circle key={`d${v}`} class="handle" cx={q.x * W} cy={q.y * H} r={v === 0 ? 12 : 8} />)}
        </svg>
      </figure>
    </div>
  );
}
