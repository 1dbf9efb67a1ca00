/** A grid of face pictures with a caption each, optionally selectable (keep / drop, merge, split). */
import type { ComponentChildren } from 'preact';

export interface FaceTile {
  key: string;
  src: string | null;
  alt: string;
  caption?: ComponentChildren;
  /** `good` / `bad` colour the frame (an accepted or refused photo). */
  tone?: 'good' | 'bad';
}

export function FaceTiles({ tiles, chosen, onToggle, chooseLabel, wide }: { tiles: FaceTile[]; chosen?: ReadonlySet<string>; onToggle?: (key: string) => void; chooseLabel?: (t: FaceTile) => string; wide?: boolean }) {
  return (
    <ul class={wide ? 'faces wide' : 'faces'}>
      {tiles.map((t) => (
        <li key={t.key} class={['face-tile', chosen?.has(t.key) ? 'chosen' : '', t.tone ?? ''].join(' ').trim()}>
          {t.src ? <img src={t.src} alt={t.alt} loading="lazy" /> : <span class="thumb" role="img" aria-label={t.alt} />}
          {t.caption && <span>{t.caption}</span>}
          {onToggle && (
            <label>
              <input type="checkbox" checked={chosen?.has(t.key) ?? false} onChange={() => onToggle(t.key)} />
              {chooseLabel?.(t) ?? t.alt}
            </label>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A set held in state, toggled by key. */
export function toggled(set: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}
