import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { IsoTime } from '../contracts/visit.js';
import type { SiteName } from '../contracts/sync.js';
import { writeFileAtomicSync } from '../store/atomic-file.js';

const State = z.object({ name: z.string(), changedAt: IsoTime.nullable() });
type State = z.infer<typeof State>;

/**
 * Keeps the box's site name and HQ's in step: a rename on either side wins when it is the later one.
 * The box remembers the name it last agreed on and when that name was set; a settings name that differs
 * from it is a rename made here (stamped now). A name HQ sends with a later stamp is adopted.
 */
export class SiteNameSync {
  private state: State;

  constructor(
    private readonly file: string,
    private readonly read: () => string,
    private readonly write: (name: string) => Promise<void>,
    private readonly now: () => Date = () => new Date(),
  ) {
    let saved: ReturnType<typeof State.safeParse> | null = null;
    try {
      saved = existsSync(file) ? State.safeParse(JSON.parse(readFileSync(file, 'utf8'))) : null;
    } catch {
      saved = null; // unreadable: start over as never synced
    }
    // Never synced: the current name counts as never renamed here, so HQ's site name wins at the claim.
    this.state = saved?.success ? saved.data : { name: read(), changedAt: null };
  }

  /** What the heartbeat says: the box's name and when it was last renamed on the box (or adopted). */
  current(): SiteName {
    const name = this.read();
    if (name !== this.state.name) this.save({ name, changedAt: this.now().toISOString() });
    return { name: this.state.name, nameChangedAt: this.state.changedAt };
  }

  /** HQ's answer: adopt its name when HQ's rename is later than ours. */
  async adopt(site: { name: string; nameChangedAt: string }): Promise<boolean> {
    const mine = this.current();
    if (mine.nameChangedAt && Date.parse(mine.nameChangedAt) >= Date.parse(site.nameChangedAt)) return false;
    this.save({ name: site.name, changedAt: site.nameChangedAt });
    if (site.name === mine.name) return false;
    await this.write(site.name);
    return true;
  }

  private save(s: State): void {
    this.state = s;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomicSync(this.file, JSON.stringify(s));
  }
}
