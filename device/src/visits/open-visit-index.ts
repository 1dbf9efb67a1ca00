import { z } from 'zod';
import type { JsonDocument } from '../store/json-document.js';

export const OpenVisitIds = z.object({ ids: z.array(z.string().min(1).max(64)).max(100_000).default([]) });
export type OpenVisitIds = z.infer<typeof OpenVisitIds>;

/**
 * Ids of the visits currently open (`open-visits.json`, a small document). After a crash the
 * tracker resumes exactly these, however old, without scanning history. Ordering makes it safe:
 * an id is added BEFORE its visit is written and removed AFTER the closed visit is written, so a
 * crash can leave an id whose visit is missing or closed (dropped on resume), never an open visit
 * that nothing points at.
 */
export class OpenVisitIndex {
  constructor(private readonly doc: JsonDocument<OpenVisitIds>) {}

  ids(): readonly string[] {
    return this.doc.data.ids;
  }

  async add(id: string): Promise<void> {
    if (this.doc.data.ids.includes(id)) return;
    await this.doc.update((d) => {
      d.ids.push(id);
    });
  }

  async remove(id: string): Promise<void> {
    if (!this.doc.data.ids.includes(id)) return;
    await this.doc.update((d) => ({ ids: d.ids.filter((x) => x !== id) }));
  }
}
