import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './atomic-file.js';

/** Another appliance process already serves this data folder. */
export class InstanceLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`another appliance (pid ${pid}) is already running on the data folder ${dir}: stop it first (two copies would corrupt each other's state)`);
    this.name = 'InstanceLockedError';
  }
}

const LOCK_FILE = 'appliance.lock';

/**
 * One appliance per data folder: `<dir>/appliance.lock` holds the owner's pid, created exclusively. A lock
 * whose process is gone (killed with -9, power cut) is stale and taken over; so is one naming this very
 * process (a container restarted with the same pid).
 */
export class InstanceLock {
  private constructor(private readonly file: string) {}

  static async acquire(dir: string): Promise<InstanceLock> {
    const file = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fh = await open(file, 'wx', PRIVATE_FILE_MODE);
        await fh.writeFile(`${process.pid}\n`);
        await fh.sync();
        await fh.close();
        return new InstanceLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = Number.parseInt((await readFile(file, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAppliance(owner)) throw new InstanceLockedError(dir, owner);
      await unlink(file).catch(() => {});
    }
    throw new Error(`could not take the lock ${file}`);
  }

  async release(): Promise<void> {
    await unlink(this.file).catch(() => {});
  }
}

/** A live process that is a Node program (a recycled pid of something else does not hold the lock). */
function isAppliance(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return /node/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc: trust the live pid
  }
}
