/**
 * Browser tests of the web page: a real appliance process on a temp data dir (with the shared clip
 * as a camera when asked), and Debian's chromium driven by playwright-core. Screenshots go to the
 * git-ignored test-output/ui-screens/ (docs/ui-screens/ holds the copies shown in docs/ui.md).
 */
import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { facesDataDir, repoRoot } from '../../device/src/util/paths.js';
import { until } from '../mqtt/until.js';

export const clipPath = join(facesDataDir(), 'video', 'hamilton.mp4');
export const screensDir = join(repoRoot, 'test-output', 'ui-screens');
const fixture = join(repoRoot, 'dist', 'test', 'ui', 'fixtures', 'appliance-process.js');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const ADMIN = { username: 'alice', password: 'correct horse battery' };

export interface ApplianceProcessOptions {
  /** Add the shared clip as a looping camera `door`. */
  camera?: boolean;
  /** Start a new process whenever this one exits (as balena or systemd would after a restart). */
  supervise?: boolean;
  /** Serve the page from this folder instead of dist/ui. */
  uiDir?: string;
}

/** One appliance process (restarted on the same port and data dir when supervised). */
export class ApplianceProcess {
  readonly lines: string[] = [];
  url = '';
  port = 0;
  starts = 0;
  private child: ChildProcess | null = null;
  private closing = false;

  private constructor(
    readonly dir: string,
    private readonly opts: ApplianceProcessOptions,
  ) {}

  static async start(opts: ApplianceProcessOptions = {}): Promise<ApplianceProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'cva-ui-'));
    const p = new ApplianceProcess(dir, opts);
    await p.spawn();
    return p;
  }

  private spawn(): Promise<void> {
    this.starts++;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CVA_DATA_DIR: this.dir,
      CVA_TEST_HTTP_PORT: String(this.port),
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '38',
    };
    if (this.opts.uiDir) env.CVA_TEST_UI_DIR = this.opts.uiDir;
    if (this.opts.camera) env.CVA_TEST_CAMERA = clipPath;
    else delete env.CVA_TEST_CAMERA;
    const child = spawn(process.execPath, [fixture], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // A test process that dies (timeout, crash) takes its appliance with it instead of leaving it running.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    return new Promise((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString();
        let i: number;
        while ((i = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, i);
          buffered = buffered.slice(i + 1);
          this.lines.push(line);
          const m = /^READY (http:\/\/\S+)/.exec(line);
          if (m) {
            this.url = m[1];
            this.port = Number(new URL(m[1]).port);
            resolve();
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        if (this.child === child) this.child = null;
        if (!this.url) reject(new Error(`appliance exited (${code}) before it was ready:\n${this.lines.slice(-20).join('\n')}`));
        else if (this.opts.supervise && !this.closing) void this.spawn().catch(() => undefined);
      });
    });
  }

  /** The one-time set-up code the appliance printed. */
  setupCode(): string {
    const m = this.lines.map((l) => /SET-UP CODE: ([A-Z0-9-]+)/.exec(l)).find(Boolean);
    if (!m) throw new Error('no set-up code in the appliance log');
    return m[1];
  }

  pid(): number | null {
    return this.child?.pid ?? null;
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Completes set-up through the API (for tests that are not about the wizard) and returns the admin's cookie. */
export async function setUpByApi(app: ApplianceProcess, site = { name: 'Corner shop', timezone: 'Europe/Berlin' }): Promise<void> {
  const r = await fetch(`${app.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ setupCode: app.setupCode(), admin: ADMIN, site }),
  });
  if (r.status !== 201) throw new Error(`set-up failed: ${r.status} ${await r.text()}`);
}

/** An API client with a bearer token made by the admin (for arranging test data quickly). */
export async function adminApi(app: ApplianceProcess): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>> {
  const login = await fetch(`${app.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = (await login.json()).csrfToken as string;
  return async (method, path, body) => {
    const res = await fetch(`${app.url}/api/v1${path}`, {
      method,
      headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

export async function newContext(browser: Browser, app: ApplianceProcess, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ baseURL: app.url, viewport, acceptDownloads: true, colorScheme: 'light' });
}

/** Signs in on the page's form and waits for the shell. */
export async function signIn(page: Page, username = ADMIN.username, password = ADMIN.password): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'main' }).waitFor({ timeout: 30_000 });
}

export interface SignedInAppliance {
  app: ApplianceProcess;
  browser: Browser;
  call: Awaited<ReturnType<typeof adminApi>>;
  page: Page;
  close: () => Promise<void>;
}

/** A set-up appliance, its admin API and a browser page signed in as the admin; `close()` ends both. */
export async function signedInAppliance(opts: ApplianceProcessOptions = {}): Promise<SignedInAppliance> {
  const app = await ApplianceProcess.start(opts);
  const browser = await launchBrowser().catch(async (e) => {
    await app.close();
    throw e;
  });
  const close = async () => {
    await browser.close();
    await app.close();
  };
  try {
    await setUpByApi(app);
    const call = await adminApi(app);
    const page = await (await newContext(browser, app)).newPage();
    await signIn(page);
    return { app, browser, call, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A suite's signed-in appliance: filled in before its tests, closed after them. */
export function signedInSuite(opts: ApplianceProcessOptions = {}): SignedInAppliance {
  const suite = {} as SignedInAppliance;
  before(async () => {
    Object.assign(suite, await signedInAppliance(opts));
  });
  after(() => suite.close?.());
  return suite;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screensDir, { recursive: true });
  const path = join(screensDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's serious and critical violations on the page as it is now (injected past the page's CSP by CDP). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(await axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export { until };
