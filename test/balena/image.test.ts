import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';
import { readHttpPort } from '../../device/src/health/port-file.js';
import { until } from '../mqtt/until.js';

/**
 * There is no Docker engine here, so this proves what can be proved about the image balena builds:
 * Dockerfile.template rendered for every supported device type, every COPY source present in the build
 * context (.dockerignore applied), the stages' commands sane, and the build stage's own commands run in
 * a clean temporary copy of the context — then the pruned app, laid out as the runtime stage copies it,
 * starts and answers a healthy /api/v1/health with no dev dependency (and no balena-sdk) installed.
 */

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  steps: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    assert.ok(m, `not an instruction: ${line}`);
    const [, op, args] = m;
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      assert.ok(f, `bad FROM: ${args}`);
      stages.push({ from: f[1], name: f[2] ?? null, steps: [] });
    } else {
      assert.ok(stages.length, `${op} before FROM`);
      stages.at(-1)!.steps.push({ op, args: args.trim() });
    }
  }
  return stages;
}

/** `.dockerignore` as balena's builder applies it (the patterns this repository uses: names, globs, `**`). */
function ignored(rel: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    const re = new RegExp(
      '^' + p.replace(/[.+^${}()|[\]]/g, '\\$&').replace(/\*\*\//g, '(.*/)?').replace(/\*/g, '[^/]*') + '(/.*)?$',
    );
    return re.test(rel);
  });
}

const supportedTypes = (): string[] => {
  const yml = readFileSync(join(repoRoot, 'balena.yml'), 'utf8');
  const block = /supportedDeviceTypes:\n((?:\s+- .+\n?)+)/.exec(yml);
  assert.ok(block, 'balena.yml lists supportedDeviceTypes');
  return block[1].split('\n').map((l) => l.trim().replace(/^- /, '')).filter(Boolean);
};

const template = () => readFileSync(join(repoRoot, 'Dockerfile.template'), 'utf8');
const dockerignore = () => readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const copies = (s: Stage) => s.steps.filter((x) => x.op === 'COPY').map((x) => {
  const parts = x.args.split(/\s+/);
  const from = parts[0].startsWith('--from=') ? parts.shift()!.slice('--from='.length) : null;
  const dest = parts.pop()!;
  return { from, sources: parts, dest };
});
const runs = (s: Stage) => s.steps.filter((x) => x.op === 'RUN').map((x) => x.args);

describe('the balena image (Dockerfile.template)', () => {
  it('renders for every supported device type: two stages, each type its own base image', () => {
    const types = supportedTypes();
    assert.ok(types.includes('jetson-orin-nano-devkit-nvme') && types.includes('raspberrypi4-64') && types.includes('raspberrypi5'));
    for (const type of types) {
      const text = template().replaceAll('%%BALENA_MACHINE_NAME%%', type).replaceAll('%%BALENA_ARCH%%', type.startsWith('genericx86') ? 'amd64' : 'aarch64');
      assert.ok(!text.includes('%%'), `${type}: every template variable filled in`);
      const [build, runtime, ...rest] = parseDockerfile(text);
      assert.equal(rest.length, 0);
      assert.equal(build.name, 'build');
      assert.equal(build.from, `balenalib/${type}-ubuntu-node:20-jammy-build`);
      assert.equal(runtime.from, `balenalib/${type}-ubuntu-node:20-jammy-run`);
      // The platform script knows the type and installs its decoders.
      assert.ok(runs(runtime).some((r) => r === `cva-platform-packages ${type}`));
      const pk = spawnSync('sh', [join(repoRoot, 'scripts/balena/platform-packages.sh'), '--print', type], { encoding: 'utf8' });
      assert.equal(pk.status, 0, pk.stderr);
      const pkgs = pk.stdout.trim().split(/\s+/);
      for (const p of ['gstreamer1.0-libav', 'gstreamer1.0-plugins-good', 'util-linux']) assert.ok(pkgs.includes(p), `${type}: ${p}`);
      assert.equal(pkgs.includes('nvidia-l4t-gstreamer'), type.startsWith('jetson-orin'), `${type}: NVIDIA's GStreamer plugins only on Jetson Orin`);
    }
    const unknown = spawnSync('sh', [join(repoRoot, 'scripts/balena/platform-packages.sh'), '--print', 'beaglebone-black'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
  });

  it('every COPY source is in the build context; commands are sane; one npm ci; the runtime stage installs nothing from npm', () => {
    const [build, runtime] = parseDockerfile(template().replaceAll('%%BALENA_MACHINE_NAME%%', 'raspberrypi4-64'));
    const ignore = dockerignore();
    for (const c of [...copies(build), ...copies(runtime)].filter((c) => c.from === null)) {
      for (const src of c.sources) {
        assert.ok(existsSync(join(repoRoot, src)), `COPY source ${src} exists`);
        assert.equal(ignored(src.replace(/\/$/, ''), ignore), false, `COPY source ${src} is not excluded by .dockerignore`);
      }
    }
    for (const c of copies(runtime).filter((c) => c.from !== null)) assert.equal(c.from, 'build');
    // The heavy, rebuilt or private things never reach the builder.
    for (const p of ['node_modules', 'dist', 'data', 'models/cache', '.git', 'device/node_modules']) assert.ok(ignored(p, ignore), `${p} is excluded`);
    for (const p of ['device/src/main.ts', 'package-lock.json', 'models/landmark68.json']) assert.equal(ignored(p, ignore), false, `${p} is sent`);
    // Shell syntax of every RUN.
    for (const r of [...runs(build), ...runs(runtime)]) assert.equal(spawnSync('sh', ['-n', '-c', r]).status, 0, `sh -n: ${r}`);
    const all = runs(build).join('\n');
    assert.equal((all.match(/npm ci|npm install|setup\.mjs[^\n&]*--deps-only/g) ?? []).length, 1, 'exactly one dependency install in the build stage');
    assert.match(all, /npm prune --omit=dev/);
    assert.doesNotMatch(runs(runtime).join('\n'), /npm|tsc|setup\.mjs/, 'runtime stage: nothing built or installed from npm');
    const hc = runtime.steps.find((s) => s.op === 'HEALTHCHECK');
    assert.ok(hc && /healthcheck-cli\.js/.test(hc.args), 'HEALTHCHECK on the appliance');
    assert.ok(existsSync(join(repoRoot, 'device/src/health/healthcheck-cli.ts')));
    assert.match(runtime.steps.find((s) => s.op === 'CMD')!.args, /dist\/device\/src\/main\.js/);
  });

  describe('the build stage\'s own commands in a clean temporary copy, then the pruned app', () => {
    let work: string;
    let app: string;
    let child: ReturnType<typeof spawn> | null = null;
    const output: string[] = [];
    before(() => {
      work = mkdtempSync(join(tmpdir(), 'cva-image-'));
      app = join(work, 'app');
      mkdirSync(app);
    });
    after(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child!.once('exit', r));
      }
      rmSync(work, { recursive: true, force: true });
    });

    it('installs once, builds, fetches the models, prunes to production dependencies', { timeout: 30 * 60_000 }, () => {
      const [build] = parseDockerfile(template().replaceAll('%%BALENA_MACHINE_NAME%%', 'genericx86-64-ext'));
      const ignore = dockerignore();
      const logs: string[] = [];
      const run = (cmd: string) => {
        const r = spawnSync('sh', ['-c', cmd], { cwd: app, encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 64 * 1024 * 1024 });
        assert.equal(r.status, 0, `${cmd}\n${r.stdout?.slice(-3000)}\n${r.stderr?.slice(-3000)}`);
        return r.stdout;
      };
      for (const step of build.steps) {
        if (step.op === 'COPY') {
          const c = copies({ from: '', name: null, steps: [step] })[0];
          for (const src of c.sources) {
            const dest = c.dest.endsWith('/') ? join(app, c.dest, src.split('/').pop()!) : join(app, c.dest);
            mkdirSync(dirname(dest), { recursive: true });
            cpSync(join(repoRoot, src), dest, { recursive: true, filter: (p) => !ignored(p.slice(repoRoot.length + 1), ignore) });
          }
          if (c.sources.includes('models')) {
            // The shared, already-verified model cache instead of a second download (set-up re-checks every sha256).
            symlinkSync(realpathSync(join(repoRoot, 'models', 'cache')), join(app, 'models', 'cache'));
          }
        } else if (step.op === 'RUN') {
          // System packages come from apt inside the builder; here set-up already installed them.
          if (step.args.startsWith('install_packages')) continue;
          logs.push(run(step.args));
        }
      }
      // Set-up's second run saw the first run's install: dependencies were installed exactly once.
      assert.equal(logs.join('\n').match(/installing npm dependencies/g)?.length, 1, logs.join('\n').slice(-2000));
      const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
      for (const dev of Object.keys(pkg.devDependencies)) {
        // A dev dependency may stay only as a production package's own dependency (@types/node of protobufjs…).
        const needed = spawnSync('npm', ['ls', dev, '--omit=dev', '--all', '--parseable'], { cwd: app, encoding: 'utf8' }).stdout.trim() !== '';
        if (!needed) assert.equal(existsSync(join(app, 'node_modules', dev)), false, `dev dependency ${dev} pruned`);
      }
      for (const big of ['typescript', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) assert.equal(existsSync(join(app, 'node_modules', big)), false, big);
      assert.equal(existsSync(join(app, 'node_modules', 'balena-sdk')), false, 'balena-sdk is not in the appliance image');
      for (const dep of ['express', 'onnxruntime-node', 'gstreamer-superficial', 'sharp', 'zod']) assert.ok(existsSync(join(app, 'node_modules', dep)), dep);
      assert.ok(existsSync(join(app, 'dist/device/src/main.js')));
      assert.ok(existsSync(join(app, 'dist/device/src/health/healthcheck-cli.js')));
      assert.equal(existsSync(join(app, 'dist/test')), false, 'tests are not shipped');
    });

    it('the runtime stage\'s files start the appliance and the HEALTHCHECK passes', { timeout: 10 * 60_000 }, async () => {
      const [, runtime] = parseDockerfile(template().replaceAll('%%BALENA_MACHINE_NAME%%', 'genericx86-64-ext'));
      const root = join(work, 'runtime');
      mkdirSync(root);
      for (const c of copies(runtime)) {
        for (const src of c.sources) {
          if (c.from === null && src.startsWith('scripts/balena')) continue; // the platform script: apt, not here
          const from = c.from === 'build' ? join(app, src.replace(/^\/app\//, '')) : join(repoRoot, src);
          cpSync(from, join(root, c.dest === './' ? src.split('/').pop()! : c.dest.replace(/^\.\//, '')), { recursive: true, verbatimSymlinks: true });
        }
      }
      const data = join(work, 'data');
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', CVA_DATA_DIR: data, UV_THREADPOOL_SIZE: '38', LOG_LEVEL: 'info' };
      child = spawn(process.execPath, ['dist/device/src/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (b) => output.push(String(b)));
      child.stderr!.on('data', (b) => output.push(String(b)));
      await until('the appliance listening', () => readHttpPort(data) !== null || child!.exitCode !== null, 5 * 60_000);
      assert.equal(child.exitCode, null, output.join(''));
      const port = readHttpPort(data)!;
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.equal((await health.json()).status, 'ok');
      const hc = spawnSync(process.execPath, ['dist/device/src/health/healthcheck-cli.js'], { cwd: root, env, encoding: 'utf8' });
      assert.equal(hc.status, 0, hc.stderr);
      assert.match(output.join(''), /balena supervisor absent/);
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
      const down = spawnSync(process.execPath, ['dist/device/src/health/healthcheck-cli.js'], { cwd: root, env, encoding: 'utf8' });
      assert.equal(down.status, 1, 'the HEALTHCHECK fails when the appliance does not answer');
    });
  });
});
