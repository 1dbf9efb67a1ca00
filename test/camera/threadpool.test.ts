import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// An ES-module program cannot size libuv's pool from inside (the loader already started it), so
// ensureThreadpool() re-launches the command. Proof: with the pool sized for 3 cameras (12 threads), ten
// threads blocked in open() on FIFOs still leave room for an fs.stat; the default 4 would hang.
test('ensureThreadpool relaunches an ES-module entry with a pool big enough for the cameras', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cva-threadpool-'));
  try {
    const fifos = Array.from({ length: 10 }, (_, i) => join(dir, `f${i}`));
    execFileSync('mkfifo', fifos);
    const lib = new URL('../../device/src/camera/threadpool.js', import.meta.url).href;
    const entry = join(dir, 'entry.mjs');
    await writeFile(
      entry,
      `import fs from 'node:fs';
import { ensureThreadpool } from ${JSON.stringify(lib)};
if (ensureThreadpool(3) === 'ok') {
  const fifos = ${JSON.stringify(fifos)};
  for (const f of fifos) fs.open(f, 'r', () => {});
  const release = () => { for (const f of fifos) fs.closeSync(fs.openSync(f, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)); };
  const give = setTimeout(() => { console.log('blocked'); release(); }, 3000);
  setTimeout(() => fs.stat('.', () => { clearTimeout(give); console.log('free ' + process.env.UV_THREADPOOL_SIZE); release(); }), 200);
}
`,
    );
    const env = { ...process.env };
    delete env.UV_THREADPOOL_SIZE;
    const r = spawnSync(process.execPath, [entry], { env, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'free 12');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
