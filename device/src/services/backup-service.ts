import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { backupArchive, type BackupSource } from '../backup/backup-writer.js';
import { lastAppliedRestore, receiveBackup, type RestoreLimits } from '../backup/restore.js';
import type { RestoreStatus } from '../contracts/backup.js';
import type { BackupService } from '../http/services.js';
import { unguarded, type CriticalSection } from '../util/critical-section.js';
import { err, ok } from '../util/result.js';

export interface ApplianceBackupDeps extends BackupSource {
  /** Restarts the appliance (the staged restore is applied before any store opens). */
  requestRestart: (reason: string) => void;
  limits?: RestoreLimits;
  /** Delay before the restart, so the answer reaches the page first. */
  restartDelayMs?: number;
  /** Held while an archive is written or received (balena's update lock), so an update cannot cut it. */
  guard?: CriticalSection;
}

/** Backup download and restore upload for the System page; one restore at a time. */
export class ApplianceBackup implements BackupService {
  private current: Omit<RestoreStatus, 'lastApplied'> = { state: null, progress: 0, step: null, from: null, error: null };

  constructor(private readonly deps: ApplianceBackupDeps) {}

  archive(): { stream: Readable; filename: string } {
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    const stream = backupArchive(this.deps);
    // Held until the download ends, however it ends (a client that goes away releases it too).
    void (this.deps.guard ?? unguarded)('backup', () => finished(stream).catch(() => undefined));
    return { stream, filename: `cva-backup-${this.deps.deviceId.replace(/[^A-Za-z0-9_-]/g, '')}-${stamp}.tar.gz` };
  }

  async status(): Promise<RestoreStatus> {
    return { ...this.current, lastApplied: await lastAppliedRestore(this.deps.dataDir) };
  }

  async restore(input: Readable, expectedBytes: number | undefined) {
    if (this.current.state === 'checking' || this.current.state === 'restarting')
      return err({ code: 'conflict' as const, message: `a restore is already ${this.current.state}` });
    this.current = { state: 'checking', progress: 0, step: 'receiving', from: null, error: null };
    const r = await (this.deps.guard ?? unguarded)('restore', () =>
      receiveBackup(input, this.deps.dataDir, {
        limits: this.deps.limits,
        expectedBytes,
        progress: (step, progress) => {
          this.current = { ...this.current, step, progress };
        },
      }),
    );
    if (!r.ok) {
      this.current = { state: 'failed', progress: 0, step: null, from: null, error: r.error.message };
      return err(r.error);
    }
    const m = r.value;
    this.current = { state: 'restarting', progress: 1, step: 'restarting to apply the backup', from: { deviceId: m.deviceId, createdAt: m.createdAt, counts: m.counts }, error: null };
    setTimeout(() => this.deps.requestRestart(`restore of the backup of ${m.deviceId} taken ${m.createdAt}`), this.deps.restartDelayMs ?? 500).unref();
    return ok(await this.status());
  }
}
