import { Settings, restartRequired } from '../contracts/settings.js';
import type { JsonDocument } from '../store/json-document.js';
import { err, ok } from '../util/result.js';
import type { ServiceError, ServiceResult, SettingsPatchInput, SettingsService, SettingsUpdate } from '../http/services.js';

type Json = unknown;
const isPlainObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays, scalars and null replace. */
export function deepMerge(base: Json, patch: Json): Json {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

/** Dotted paths whose values differ (arrays compared whole). */
export function changedPaths(a: Json, b: Json, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

export function needsRestart(paths: string[]): string[] {
  return paths.filter((p) => restartRequired.some((r) => p === r || p.startsWith(r + '.')));
}

/** Hears an accepted change: the new and the previous settings, and the dotted paths that differ. */
export type SettingsListener = (next: Settings, prev: Settings, changed: string[]) => void;

/** Settings kept in a validated JSON document; the composition root listens and hands each change to the features. */
export class DocumentSettingsService implements SettingsService {
  private readonly listeners = new Set<SettingsListener>();

  constructor(private readonly doc: JsonDocument<Settings>) {}

  get(): Settings {
    // The store hands out a deep-frozen value: read-only in fact, typed as Settings for callers.
    return this.doc.data as Settings;
  }

  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The patch may be computed from the current settings (e.g. "append this camera"): it then runs
   * inside the document's serialised update, so concurrent edits never overwrite each other.
   */
  async update(patch: SettingsPatchInput): ServiceResult<SettingsUpdate> {
    let changed: string[] = [];
    let prev: Settings | null = null;
    try {
      const next = await this.doc.update((current) => {
        const p = typeof patch === 'function' ? patch(current) : ok(patch);
        if (!p.ok) throw new Refused(p.error);
        const parsed = Settings.safeParse(deepMerge(current, p.value));
        if (!parsed.success)
          throw new Refused({
            code: 'invalid',
            message: 'settings would be invalid',
            details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          });
        changed = changedPaths(current, parsed.data);
        prev = current;
        return parsed.data;
      });
      if (changed.length && prev) for (const l of this.listeners) l(next, prev, changed);
      return ok({ settings: next, changed, restartRequired: needsRestart(changed) });
    } catch (e) {
      if (e instanceof Refused) return err(e.error);
      throw e;
    }
  }
}

/** Carries a refusal out of the document's mutator (which then writes nothing). */
class Refused extends Error {
  constructor(readonly error: ServiceError) {
    super(error.message);
  }
}
