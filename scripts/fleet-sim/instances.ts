import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One cloud-sync instance as a child process (the real `main.js`); resolves once it listens. */
export function startInstance(databaseUrl: string): Promise<{ url: string; proc: ChildProcess }> {
  const main = fileURLToPath(new URL('../../cloud-sync/src/main.js', import.meta.url));
  const proc = spawn(process.execPath, [main], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DB_POOL_MAX: '8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    // The log (stderr, passed through) says when it listens; stdout is only drained.
    let log = '';
    proc.stdout!.resume();
    proc.stderr!.on('data', (d) => {
      process.stderr.write(d);
      log += d;
      const m = /listening on port (\d+)/.exec(log);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, proc });
    });
    proc.once('exit', (code) => reject(new Error(`cloud-sync exited (${code}) before listening`)));
  });
}

export async function stopInstance(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await gone;
}

/** utime + stime of a process in seconds (Linux /proc; USER_HZ is 100). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
