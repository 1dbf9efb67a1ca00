import { EMBEDDING_LENGTH } from '../frame/face.js';
import { DistanceKernel } from './distance-kernel.js';

/** One person's closest exemplar distance (Euclidean). */
export interface PersonMatch {
  personId: string;
  distance: number;
}

/** 1:N answer: the best PERSON and the runner-up PERSON (never two rows of the same person). */
export interface SearchResult {
  best: PersonMatch | null;
  runnerUp: PersonMatch | null;
}

export class GalleryError extends Error {
  constructor(
    readonly code: 'dimension' | 'duplicate-row' | 'not-finite',
    message: string,
  ) {
    super(message);
    this.name = 'GalleryError';
  }
}

/**
 * In-memory 1:N index: one flat Float32Array (a row per exemplar) and a person index per row.
 * Search finds the best two PERSONS over every row (distance-kernel.ts: an int8 WebAssembly SIMD pass
 * with exact error bounds, then exact floats for the few rows it cannot rule out). Removal swap-deletes
 * the last row into the hole so the matrix stays dense.
 */
export class Gallery {
  private readonly kernel: DistanceKernel;
  private rowPerson: Int32Array;
  private rowIds: string[] = [];
  private rowIndex = new Map<string, number>();
  private personIds: string[] = [];
  private personIndex = new Map<string, number>();
  private personRows: number[] = [];
  private freePersonSlots: number[] = [];
  private rows = 0;

  constructor(
    readonly dim: number = EMBEDDING_LENGTH,
    initialCapacity = 1024,
  ) {
    // The scan is unrolled by 16.
    if (dim <= 0 || dim % 16 !== 0) throw new GalleryError('dimension', `dimension must be a positive multiple of 16, got ${dim}`);
    this.kernel = new DistanceKernel(dim, initialCapacity);
    this.rowPerson = new Int32Array(this.kernel.rowsCapacity);
  }

  /** Number of exemplar rows. */
  get size(): number {
    return this.rows;
  }

  /** Number of persons with at least one row. */
  get personCount(): number {
    return this.personIndex.size;
  }

  has(rowId: string): boolean {
    return this.rowIndex.has(rowId);
  }

  hasPerson(personId: string): boolean {
    return this.personIndex.has(personId);
  }

  personOf(rowId: string): string | undefined {
    const r = this.rowIndex.get(rowId);
    return r === undefined ? undefined : this.personIds[this.rowPerson[r]];
  }

  add(rowId: string, personId: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new GalleryError('dimension', `vector has ${vector.length} values, expected ${this.dim}`);
    if (this.rowIndex.has(rowId)) throw new GalleryError('duplicate-row', `row ${rowId} already exists`);
    for (let i = 0; i < vector.length; i++) {
      if (!Number.isFinite(vector[i])) throw new GalleryError('not-finite', `row ${rowId} has a non-finite value`);
    }
    if (this.rows === this.kernel.rowsCapacity) this.grow();
    const p = this.personSlot(personId);
    const r = this.rows++;
    this.kernel.setRow(r, vector);
    this.rowPerson[r] = p;
    this.rowIds[r] = rowId;
    this.rowIndex.set(rowId, r);
    this.personRows[p]++;
  }

  /** Removes one row by swapping the last row into its place. */
  remove(rowId: string): boolean {
    const r = this.rowIndex.get(rowId);
    if (r === undefined) return false;
    const p = this.rowPerson[r];
    const last = this.rows - 1;
    if (r !== last) {
      this.kernel.moveRow(last, r);
      this.rowPerson[r] = this.rowPerson[last];
      const movedId = this.rowIds[last];
      this.rowIds[r] = movedId;
      this.rowIndex.set(movedId, r);
    }
    this.rowIds.length = last;
    this.rowIndex.delete(rowId);
    this.rows = last;
    if (--this.personRows[p] === 0) this.releasePerson(p);
    return true;
  }

  removePerson(personId: string): number {
    const ids = this.rowsOf(personId);
    for (const id of ids) this.remove(id);
    return ids.length;
  }

  /** Re-labels a row to another person (merge, split, review assignment). */
  reassign(rowId: string, personId: string): boolean {
    const r = this.rowIndex.get(rowId);
    if (r === undefined) return false;
    const old = this.rowPerson[r];
    const p = this.personSlot(personId);
    if (p === old) return true;
    this.rowPerson[r] = p;
    this.personRows[p]++;
    if (--this.personRows[old] === 0) this.releasePerson(old);
    return true;
  }

  /** Rows of a person in O(1). */
  rowCount(personId: string): number {
    const p = this.personIndex.get(personId);
    return p === undefined ? 0 : this.personRows[p];
  }

  rowsOf(personId: string): string[] {
    const p = this.personIndex.get(personId);
    if (p === undefined) return [];
    const out: string[] = [];
    for (let r = 0; r < this.rows; r++) if (this.rowPerson[r] === p) out.push(this.rowIds[r]);
    return out;
  }

  vector(rowId: string): Float32Array | undefined {
    const r = this.rowIndex.get(rowId);
    return r === undefined ? undefined : this.kernel.data.slice(r * this.dim, (r + 1) * this.dim);
  }

  /** Closest exemplar distance to one person, or Infinity when the person has no rows. */
  distanceToPerson(query: Float32Array, personId: string): number {
    return this.distancesToPerson([query], personId)[0];
  }

  /**
   * Closest exemplar distance from each query to one person (Infinity when the person has no rows), in ONE
   * pass over the rows: a track's shots are measured together, not one scan of the gallery per shot.
   */
  distancesToPerson(queries: readonly Float32Array[], personId: string): number[] {
    const best = queries.map(() => Infinity);
    const p = this.personIndex.get(personId);
    if (p === undefined) return best;
    for (let r = 0; r < this.rows; r++) {
      if (this.rowPerson[r] !== p) continue;
      for (let q = 0; q < queries.length; q++) {
        const s = this.kernel.squared(queries[q], r);
        if (s < best[q]) best[q] = s;
      }
    }
    return best.map(Math.sqrt);
  }

  /**
   * Best and runner-up persons for a query. `exclude` removes persons from consideration (e.g. a person
   * already claimed by another face in the same frame: two faces in one frame are never the same person).
   */
  search(query: Float32Array, exclude?: ReadonlySet<string>): SearchResult {
    if (query.length !== this.dim) throw new GalleryError('dimension', `query has ${query.length} values, expected ${this.dim}`);
    const { p1, d1, p2, d2 } = this.kernel.nearestTwo(query, this.rows, this.rowPerson, this.excludedSlots(exclude));
    return {
      best: p1 < 0 ? null : { personId: this.personIds[p1], distance: Math.sqrt(d1) },
      runnerUp: p2 < 0 ? null : { personId: this.personIds[p2], distance: Math.sqrt(d2) },
    };
  }

  private excludedSlots(exclude?: ReadonlySet<string>): Set<number> | null {
    if (!exclude || exclude.size === 0) return null;
    const out = new Set<number>();
    for (const id of exclude) {
      const p = this.personIndex.get(id);
      if (p !== undefined) out.add(p);
    }
    return out.size ? out : null;
  }

  private personSlot(personId: string): number {
    let p = this.personIndex.get(personId);
    if (p !== undefined) return p;
    p = this.freePersonSlots.pop() ?? this.personIds.length;
    this.personIds[p] = personId;
    this.personRows[p] = 0;
    this.personIndex.set(personId, p);
    return p;
  }

  private releasePerson(p: number): void {
    this.personIndex.delete(this.personIds[p]);
    this.personIds[p] = '';
    this.freePersonSlots.push(p);
  }

  private grow(): void {
    const capRows = this.kernel.rowsCapacity * 2;
    this.kernel.reserve(capRows, this.rows);
    const rp = new Int32Array(capRows);
    rp.set(this.rowPerson);
    this.rowPerson = rp;
  }

  /** Whether the coarse scan runs in WebAssembly SIMD (reported by the benchmark). */
  get simd(): boolean {
    return this.kernel.simd;
  }
}
