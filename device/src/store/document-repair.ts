import type { z } from 'zod';

/** One value a repair dropped (the schema's default, or nothing, stands in its place). */
export interface DroppedValue {
  path: string;
  message: string;
}

export interface Repaired<T> {
  value: T;
  dropped: DroppedValue[];
}

const MAX_PASSES = 64;
type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/**
 * Makes a document that no longer validates usable again by dropping only what is wrong: the value at
 * each failing path is removed (so the schema's default applies), and when a required field is missing
 * its parent is removed instead (an array element is taken out whole). Everything valid is kept.
 * Returns null when nothing can be salvaged (the whole document is wrong).
 */
export function repairToSchema<S extends z.ZodType>(schema: S, raw: unknown): Repaired<z.output<S>> | null {
  let candidate: unknown = structuredClone(raw);
  const dropped: DroppedValue[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const r = schema.safeParse(candidate);
    if (r.success) return { value: r.data, dropped };
    const issue = r.error.issues[0];
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const removed = removeDeepestExisting(candidate, path);
    if (removed === null) return null;
    candidate = removed.root;
    dropped.push({ path: removed.path.join('.'), message: issue.message });
  }
  return null;
}

/** Removes the value at `path`, or at its longest existing parent when the leaf is absent; null at the root. */
function removeDeepestExisting(root: unknown, path: (string | number)[]): { root: unknown; path: (string | number)[] } | null {
  let at = path.length;
  // A missing required leaf: the value holding it goes (its own parent's default, if any, applies).
  while (at > 0 && !exists(root, path.slice(0, at))) at--;
  if (at === 0) return null;
  const target = path.slice(0, at);
  const parent = get(root, target.slice(0, -1));
  const key = target[target.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isContainer(parent)) delete (parent as Record<string, unknown>)[String(key)];
  else return null;
  return { root, path: target };
}

function get(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const k of path) {
    if (!isContainer(v)) return undefined;
    v = (v as Record<string, unknown>)[String(k)];
  }
  return v;
}

function exists(root: unknown, path: (string | number)[]): boolean {
  const parent = get(root, path.slice(0, -1));
  return isContainer(parent) && Object.prototype.hasOwnProperty.call(parent, String(path[path.length - 1]));
}
