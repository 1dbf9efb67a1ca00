import {
  closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, readSync,
  unlinkSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { SyncItem, type OutboxBacklog, type SyncItemKind } from '../contracts/sync.js';
import { createLogger } from '../util/log.js';
import { fsyncDirSync, writeFileAtomicSync } from '../store/atomic-file.js';

/**
 * Durable, bounded outbox of items waiting for the cloud.
 *
 * Layout: append-only segment files `seg-0000000001.jsonl` (one JSON item per line, each append
 * fdatasync'ed before `append` returns) and `acked.json`, the position of the first unacknowledged
 * byte. Acknowledged segments are deleted. A line torn by a crash is cut off on open.
 *
 * Disk policy: when pending bytes exceed `maxBytes`, the outbox is compacted and the OLDEST
 * heartbeats and camera statuses are dropped until it is back under 90 % of the budget (their count
 * is reported as `droppedStatusItems`). Visits are never dropped: if visits alone exceed the budget
 * they are kept and `overBudget` turns true, which health and MQTT show.
 */
export interface OutboxOptions {
  maxBytes?: number;
  segmentBytes?: number;
}

interface Entry {
  seg: number;
  start: number;
  length: number;
  kind: SyncItemKind;
  at: string;
}
interface Pointer {
  seg: number;
  offset: number;
}

const SEG_RE = /^seg-(\d{10})\.jsonl$/;
/** Items never thinned over the disk budget: visits and footfall hours are data; the rest is status. */
const KEPT_KINDS: ReadonlySet<SyncItemKind> = new Set(['visit', 'footfall']);
const segName = (n: number) => `seg-${String(n).padStart(10, '0')}.jsonl`;

export class Outbox {
  private readonly log = createLogger('sync:outbox');
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private entries: Entry[] = [];
  private head = 0;
  private fd = -1;
  private seg = 0;
  private segSize = 0;
  private pendingBytes = 0;
  private pendingVisits = 0;
  private dropped = 0;

  private constructor(private readonly dir: string, opts: OutboxOptions) {
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.segmentBytes = opts.segmentBytes ?? 4 * 1024 * 1024;
  }

  static open(dir: string, opts: OutboxOptions = {}): Outbox {
    mkdirSync(dir, { recursive: true });
    const o = new Outbox(dir, opts);
    o.load();
    return o;
  }

  private load(): void {
    const pointer = this.readPointer();
    const segs = readdirSync(this.dir).map((f) => SEG_RE.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])).sort((a, b) => a - b);
    for (const s of segs) {
      if (s < pointer.seg) {
        unlinkSync(join(this.dir, segName(s)));
        continue;
      }
      this.scanSegment(s, s === pointer.seg ? pointer.offset : 0, s === segs[segs.length - 1]);
    }
    this.seg = segs.length ? Math.max(segs[segs.length - 1], pointer.seg) : Math.max(1, pointer.seg);
    this.openSegment(this.seg);
    const meta = this.readMeta();
    this.dropped = meta.dropped;
  }

  private scanSegment(s: number, from: number, isLast: boolean): void {
    const path = join(this.dir, segName(s));
    const buf = readFileSync(path);
    let pos = from;
    while (pos < buf.length) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0) {
        if (isLast) {
          // A torn final write from a crash: cut it off so the next append starts on a clean line.
          const fd = openSync(path, 'r+');
          ftruncateSync(fd, pos);
          fdatasyncSync(fd);
          closeSync(fd);
          this.log.warn('cut a torn line at the end of the outbox', { segment: s, bytes: buf.length - pos });
        }
        break;
      }
      const line = buf.subarray(pos, nl).toString('utf8');
      const parsed = SyncItem.safeParse(safeJson(line));
      if (parsed.success) this.track({ seg: s, start: pos, length: nl + 1 - pos, kind: parsed.data.kind, at: parsed.data.at });
      else this.log.error('skipping an unreadable outbox line', { segment: s, offset: pos });
      pos = nl + 1;
    }
  }

  private track(e: Entry): void {
    this.entries.push(e);
    this.pendingBytes += e.length;
    if (e.kind === 'visit') this.pendingVisits++;
  }

  private openSegment(n: number): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.seg = n;
    this.fd = openSync(join(this.dir, segName(n)), 'a');
    this.segSize = fstatSync(this.fd).size;
  }

  /** Appends one item durably (on disk before this returns). */
  append(item: SyncItem): void {
    const line = Buffer.from(JSON.stringify(item) + '\n', 'utf8');
    if (this.segSize > 0 && this.segSize + line.length > this.segmentBytes) {
      this.openSegment(this.seg + 1);
      fsyncDirSync(this.dir);
    }
    writeSync(this.fd, line);
    fdatasyncSync(this.fd);
    this.track({ seg: this.seg, start: this.segSize, length: line.length, kind: item.kind, at: item.at });
    this.segSize += line.length;
    if (this.pendingBytes > this.maxBytes) this.enforceBudget();
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** The oldest `max` pending items, in order (not removed until `ack`). */
  peek(max: number): SyncItem[] {
    const out: SyncItem[] = [];
    const fds = new Map<number, number>();
    try {
      for (let i = this.head; i < this.entries.length && out.length < max; i++) {
        const e = this.entries[i];
        let fd = fds.get(e.seg);
        if (fd === undefined) {
          fd = openSync(join(this.dir, segName(e.seg)), 'r');
          fds.set(e.seg, fd);
        }
        const buf = Buffer.alloc(e.length);
        readSync(fd, buf, 0, e.length, e.start);
        out.push(SyncItem.parse(JSON.parse(buf.toString('utf8'))));
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    return out;
  }

  /** Marks the oldest `count` items delivered; the acked position is persisted before this returns. */
  ack(count: number): void {
    const n = Math.min(count, this.size);
    if (n <= 0) return;
    for (let i = this.head; i < this.head + n; i++) {
      this.pendingBytes -= this.entries[i].length;
      if (this.entries[i].kind === 'visit') this.pendingVisits--;
    }
    this.head += n;
    const next = this.entries[this.head];
    const pointer: Pointer = next ? { seg: next.seg, offset: next.start } : { seg: this.seg, offset: this.segSize };
    this.writePointer(pointer);
    this.dropSegmentsBefore(pointer.seg);
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  backlog(): OutboxBacklog {
    const first = this.entries[this.head];
    return {
      pendingItems: this.size,
      pendingVisits: this.pendingVisits,
      pendingBytes: this.pendingBytes,
      oldestPendingAt: first?.at ?? null,
      droppedStatusItems: this.dropped,
      overBudget: this.pendingBytes > this.maxBytes,
    };
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * Rewrites the pending items into a fresh segment without the oldest status items. Crash-safe by
   * order: new segment fsync'ed, then the pointer moved to it, then old segments deleted; a crash in
   * between only re-sends items the cloud already deduplicates.
   */
  private enforceBudget(): void {
    const pending = this.entries.slice(this.head);
    const statusBytes = pending.filter((e) => !KEPT_KINDS.has(e.kind)).reduce((s, e) => s + e.length, 0);
    if (statusBytes === 0) return;
    // Visits alone over budget: rewriting everything for a few status lines is not worth it; wait for more.
    if (this.pendingBytes - statusBytes > this.maxBytes && statusBytes < this.maxBytes * 0.05) return;
    let excess = this.pendingBytes - Math.floor(this.maxBytes * 0.9);
    const drop = new Set<Entry>();
    for (const e of pending) {
      if (excess <= 0) break;
      if (KEPT_KINDS.has(e.kind)) continue;
      drop.add(e);
      excess -= e.length;
    }
    const keep = pending.filter((e) => !drop.has(e));
    const lines: Buffer[] = [];
    const fds = new Map<number, number>();
    try {
      for (const e of keep) {
        let fd = fds.get(e.seg);
        if (fd === undefined) fds.set(e.seg, (fd = openSync(join(this.dir, segName(e.seg)), 'r')));
        const b = Buffer.alloc(e.length);
        readSync(fd, b, 0, e.length, e.start);
        lines.push(b);
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    const newSeg = this.seg + 1;
    this.openSegment(newSeg);
    const data = Buffer.concat(lines);
    if (data.length) writeSync(this.fd, data);
    fdatasyncSync(this.fd);
    fsyncDirSync(this.dir);
    this.dropped += drop.size;
    this.writeMeta();
    this.writePointer({ seg: newSeg, offset: 0 });
    this.dropSegmentsBefore(newSeg);
    this.entries = [];
    this.head = 0;
    this.pendingBytes = 0;
    this.pendingVisits = 0;
    let pos = 0;
    for (const e of keep) {
      this.track({ ...e, seg: newSeg, start: pos });
      pos += e.length;
    }
    this.segSize = data.length;
    this.log.warn('outbox over budget: dropped oldest status items', { dropped: drop.size, pendingBytes: this.pendingBytes });
  }

  private dropSegmentsBefore(seg: number): void {
    for (const f of readdirSync(this.dir)) {
      const m = SEG_RE.exec(f);
      if (m && Number(m[1]) < seg) unlinkSync(join(this.dir, f));
    }
  }

  private readPointer(): Pointer {
    const p = join(this.dir, 'acked.json');
    if (!existsSync(p)) return { seg: 0, offset: 0 };
    const v = safeJson(readFileSync(p, 'utf8')) as Partial<Pointer> | null;
    return { seg: Number(v?.seg ?? 0), offset: Number(v?.offset ?? 0) };
  }

  private writePointer(p: Pointer): void {
    writeFileAtomicSync(join(this.dir, 'acked.json'), JSON.stringify(p));
  }

  private readMeta(): { dropped: number } {
    const p = join(this.dir, 'meta.json');
    const v = existsSync(p) ? (safeJson(readFileSync(p, 'utf8')) as { dropped?: number } | null) : null;
    return { dropped: Number(v?.dropped ?? 0) };
  }

  private writeMeta(): void {
    writeFileAtomicSync(join(this.dir, 'meta.json'), JSON.stringify({ dropped: this.dropped }));
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
