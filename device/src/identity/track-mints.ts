/**
 * Which live track minted which customer, so that the track's own later evidence can take it back.
 *
 * A customer minted from a track's first faces is made of that track's faces: when the same track later
 * decides, the minted customer must not count as evidence (it would vote for itself), and when the track
 * then turns out to be someone already known (a staff member whose head had been turning), the minted
 * customer is a twin and is retracted. It may be retracted only while nobody else relies on it: no other
 * track was decided as that customer and no human touched it. In memory only: tracks do not outlive the
 * process, and a customer that outlived its track is an ordinary customer.
 */
export class TrackMints {
  private readonly byTrack = new Map<string, { personId: string; shared: boolean }>();
  private readonly byPerson = new Map<string, string>();

  /** `trackId` created customer `personId`. */
  record(trackId: string, personId: string): void {
    this.byTrack.set(trackId, { personId, shared: false });
    this.byPerson.set(personId, trackId);
  }

  /** The customer this track minted, if any. */
  mintedBy(trackId: string): string | undefined {
    return this.byTrack.get(trackId)?.personId;
  }

  /** A track was decided as `personId`, or a human acted on it: if another track minted it, it is now shared. */
  claimed(personId: string, byTrackId: string | null): void {
    const owner = this.byPerson.get(personId);
    if (owner === undefined || owner === byTrackId) return;
    const m = this.byTrack.get(owner);
    if (m) m.shared = true;
  }

  /** The customer this track minted if it may still be retracted (nobody else relies on it). */
  retractable(trackId: string): string | null {
    const m = this.byTrack.get(trackId);
    return m && !m.shared ? m.personId : null;
  }

  /** The track ended (or its customer went): forget the link. */
  release(trackId: string): void {
    const m = this.byTrack.get(trackId);
    if (!m) return;
    this.byTrack.delete(trackId);
    if (this.byPerson.get(m.personId) === trackId) this.byPerson.delete(m.personId);
  }

  clear(): void {
    this.byTrack.clear();
    this.byPerson.clear();
  }
}
