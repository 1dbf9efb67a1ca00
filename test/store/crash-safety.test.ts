import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Visit } from '../../device/src/contracts/visit.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { crashVector } from './crash-vector.js';
import { tempDir } from './helpers.js';

const writer = join(dirname(fileURLToPath(import.meta.url)), 'crash-writer.js');

/** Run the storm until `lines` acknowledgements were printed, then SIGKILL it. Returns the acks. */
function stormAndKill(dir: string, acksBeforeKill: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acks: string[] = [];
    let buf = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l !== 'READY') acks.push(l);
      if (!killed && acks.length >= acksBeforeKill) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      // Lines the child flushed before dying were acknowledged too; stdout has been drained by now.
      if (buf) acks.push(...buf.split('\n').filter((l) => l && l !== 'READY' && /^[VED] \S+( \d+)?$/.test(l)));
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: code ${code}`));
      else resolve(acks);
    });
  });
}

async function verify(dir: string, acks: string[]) {
  // Every file opens and validates.
  const store = await ApplianceStore.open({ dir, embeddingDim: 64 });
  let stored = 0;
  for await (const v of store.visits.scan()) {
    assert.ok(Visit.safeParse(v).success);
    stored++;
  }
  const doc = await store.document('counter', z.object({ n: z.number().int(), pad: z.string() }), { n: 0, pad: '' });
  const leftovers = (await readdir(join(dir, 'visits'))).filter((n) => !n.endsWith('.json'));

  // Every acknowledged write is there, at least as new as acknowledged.
  const visits = new Map<string, number>();
  let lastDoc = 0;
  for (const a of acks) {
    const [kind, id, n] = a.split(' ');
    if (kind === 'V') visits.set(id, Math.max(visits.get(id) ?? 0, Number(n)));
    if (kind === 'D') lastDoc = Math.max(lastDoc, Number(id));
    if (kind === 'E') {
      const got = await store.embeddings!.vector(id);
      // Removed later by removePerson is legitimate; present means intact.
      if (got) assert.deepEqual(got, crashVector(Number(n), 64), `embedding ${id} is intact`);
    }
  }
  for (const [id, detections] of visits) {
    const v = await store.visits.get(id);
    assert.ok(v, `acknowledged visit ${id} is missing`);
    assert.ok(v.detections >= detections, `visit ${id} lost an acknowledged update`);
  }
  assert.ok(doc.data.n >= lastDoc, `document went back from ${lastDoc} to ${doc.data.n}`);
  const matrix = await store.embeddings!.matrix();
  assert.equal(matrix.ids.length, store.embeddings!.size);
  await store.close();
  return { visits: visits.size, stored, leftovers, doc: doc.data.n };
}

test('SIGKILL in the middle of a write storm loses no acknowledged write and leaves every file readable', async (t) => {
  const { dir, cleanup } = await tempDir('crash');
  t.after(cleanup);
  // Three kills at different points, each restarting on what the previous one left behind.
  let total = 0;
  for (const n of [150, 413, 777]) {
    const acks = await stormAndKill(dir, n);
    assert.ok(acks.length >= n);
    const r = await verify(dir, acks);
    assert.ok(r.visits > 0 && r.stored >= r.visits);
    assert.deepEqual(r.leftovers, [], 'temp files of the killed writer are cleaned up on open');
    total += r.visits;
  }
  assert.ok(total > 100);
  // The storm really spread over many day files and really raced the document.
  assert.ok((await readdir(join(dir, 'visits'))).length > 5);
  assert.ok(JSON.parse(await readFile(join(dir, 'counter.json'), 'utf8')).n > 0);
});
