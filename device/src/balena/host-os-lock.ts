import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * The `flock()` half of balena's update lock: host OS update reboots (`safe_reboot`,
 * `hostapp-update`) wait while a process holds an exclusive flock on `/tmp/balena/updates.lock`.
 * Node has no flock, so util-linux's `flock` holds it in a child whose only job is to wait on its
 * stdin: when we release, or when this process dies however it dies, the pipe closes, the child
 * exits and the kernel drops the lock — it can never outlive the appliance.
 */
export class HostOsLock {
  private child: ChildProcess | null = null;
  private missing = false;

  constructor(private readonly flockBinary = 'flock') {}

  get state(): 'held' | 'free' | 'unavailable' {
    if (this.child) return 'held';
    return this.missing ? 'unavailable' : 'free';
  }

  /** Takes the flock without waiting; false when another process holds it or `flock` is missing. */
  async acquire(path: string): Promise<boolean> {
    if (this.child) return true;
    const child = spawn(this.flockBinary, ['--exclusive', '--nonblock', path, 'sh', '-c', 'echo locked; exec cat'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const answer = new Promise<boolean>((resolve) => {
      child.stdout!.once('data', () => resolve(true));
      child.once('exit', () => resolve(false));
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') this.missing = true;
        resolve(false);
      });
    });
    const held = await answer;
    if (!held) return false;
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    this.child = child;
    return true;
  }

  async release(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    // Referenced again so the loop waits for the child's exit (it was unref'd so it never keeps the process up).
    child.ref();
    const exited = child.exitCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined);
    child.stdin!.end();
    await exited;
  }
}
