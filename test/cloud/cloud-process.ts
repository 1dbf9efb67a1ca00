import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from '../mqtt/until.js';

const dist = (p: string) => fileURLToPath(new URL(`../../cloud-sync/src/${p}`, import.meta.url));

export interface CloudProcess {
  url: string;
  proc: ChildProcess;
  /** Everything the server printed so far (the set-up code is read from it). */
  output(): string;
  setupCode(): string | null;
  stop(): Promise<void>;
}

/** The real `npm run cloud` entry point as a child process, with its own environment (PGlite dir or DATABASE_URL). */
export async function startCloudProcess(env: Record<string, string>): Promise<CloudProcess> {
  const proc = spawn(process.execPath, [dist('main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let exited = false;
  proc.once('exit', () => (exited = true));
  await until('cloud-sync listening', () => {
    if (exited) throw new Error(`cloud-sync exited before listening:\n${out}`);
    return /listening on port \d+/.test(out);
  }, 120_000);
  const port = /listening on port (\d+)/.exec(out)![1];
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    output: () => out,
    setupCode: () => /SET-UP CODE: (\S+)/.exec(out)?.[1] ?? null,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    },
  };
}

/** `node dist/cloud-sync/src/cli.js …` with the given environment. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [dist('cli.js'), ...args], { env: { ...process.env, ...env }, timeout: 120_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
