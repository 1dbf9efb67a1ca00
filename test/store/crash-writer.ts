/**
 * Child process of the crash test: a write storm against a real store in argv[2]. After each
 * write is acknowledged (its promise resolved) it prints one line:
 *   V <visitId> <detections>   a visit append or update
 *   E <sampleId> <seed>        an embedding (vector derived from seed)
 *   D <n>                      the counter document reached n
 * The parent SIGKILLs this process at an arbitrary moment and checks every acknowledged line.
 */
import { z } from 'zod';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { crashVector } from './crash-vector.js';
import { openVisitAt } from './helpers.js';


const say = (line: string) => process.stdout.write(line + '\n');

async function visitsLoop(store: ApplianceStore, lane: number) {
  const base = Date.parse('2026-02-01T00:00:00Z');
  for (let i = 0; ; i++) {
    const at = base + (i * 4 + lane) * 2 * 3_600_000; // every 2 h across lanes: many day files
    const v = openVisitAt(store.visits, at, `C-${String(lane * 100000 + i).padStart(6, '0')}`);
    await store.visits.append(v);
    say(`V ${v.id} 1`);
    const updated = await store.visits.upsert(v.id, (cur) => ({ ...cur!, detections: cur!.detections + 1, status: 'closed', departedAt: cur!.lastSeenAt }));
    say(`V ${v.id} ${updated.detections}`);
  }
}

async function embeddingsLoop(store: ApplianceStore) {
  for (let seed = 0; ; seed++) {
    const e = await store.embeddings!.add({ personId: `C-${seed % 50}`, vector: crashVector(seed, store.embeddings!.dim), quality: 0.5 });
    say(`E ${e.sampleId} ${seed}`);
    if (seed % 7 === 6) await store.embeddings!.removePerson(`C-${(seed + 13) % 50}`);
  }
}

async function documentLoop(store: ApplianceStore) {
  const doc = await store.document('counter', z.object({ n: z.number().int(), pad: z.string() }), { n: 0, pad: '' });
  for (;;) {
    const next = await doc.update((d) => ({ n: d.n + 1, pad: 'x'.repeat((d.n % 50) * 100) }));
    say(`D ${next.n}`);
  }
}

const store = await ApplianceStore.open({ dir: process.argv[2], embeddingDim: 64 });
say('READY');
await Promise.all([visitsLoop(store, 0), visitsLoop(store, 1), visitsLoop(store, 2), visitsLoop(store, 3), embeddingsLoop(store), documentLoop(store)]);
