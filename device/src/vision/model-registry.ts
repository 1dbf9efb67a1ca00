/**
 * THE model loader: reads the manifests, verifies every weight file's sha256, and opens one onnxruntime session
 * per model on the chosen execution provider (CPU by default; CUDA/TensorRT only when the binding offers them,
 * otherwise CPU with the reason logged and exposed).
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { withDynamicBatch } from './onnx-batch.js';
import { createLogger, type Logger } from '../util/log.js';
import { modelsDir as defaultModelsDir } from '../util/paths.js';
import {
  modelFilePath,
  readManifests,
  verifyModelFile,
  ModelManifestError,
  type ModelId,
  type ModelManifest,
} from './model-manifest.js';

export {
  MODEL_IDS,
  MODEL_REPAIR_COMMAND,
  ModelIntegrityError,
  ModelManifestError,
  modelFilePath,
  readManifests,
  verifyModelFile,
  type ModelId,
  type ModelManifest,
  type TensorSpec,
} from './model-manifest.js';

export interface LoadedModel {
  id: ModelId;
  manifest: ModelManifest;
  session: ort.InferenceSession;
  path: string;
  provider: string;
  loadMs: number;
}

export type ExecutionProviderChoice = 'auto' | 'cpu' | 'cuda' | 'tensorrt';

export interface LoadOptions {
  provider?: ExecutionProviderChoice;
  /** Intra-op threads per session (default 2, the measured best on the 2-core box). */
  intraOpThreads?: number;
  /** Models to load (default: every manifest in the folder). */
  ids?: ModelId[];
  modelsDir?: string;
  log?: Logger;
}

export interface ModelSet {
  get(id: ModelId): LoadedModel;
  /** The loaded models' ids, in load order. */
  ids: readonly ModelId[];
  /** The execution provider every session in this set runs on. */
  provider: string;
  /** Why a requested accelerator was not used (null when the choice was honoured). */
  fallbackReason: string | null;
  /** Wall time of verification plus session creation. */
  loadMs: number;
  release(): Promise<void>;
}

/** Accelerated providers to try, best first, before CPU. */
const PREFERENCE: Record<ExecutionProviderChoice, string[]> = {
  cpu: [],
  cuda: ['cuda'],
  tensorrt: ['tensorrt', 'cuda'],
  auto: ['tensorrt', 'cuda'],
};

/** Provider names this onnxruntime-node binding lists (empty if the binding cannot tell). */
function listedBackends(): Set<string> {
  const list = (ort as { listSupportedBackends?: () => { name: string }[] }).listSupportedBackends?.() ?? [];
  return new Set(list.map((b) => b.name));
}

/**
 * Which providers to attempt for a choice, in order, always ending with CPU, plus the reason for any
 * requested accelerator that the binding does not even list.
 */
export function providerPlan(choice: ExecutionProviderChoice, listed: Set<string> = listedBackends()): { attempts: string[]; skipped: string[] } {
  const wanted = PREFERENCE[choice];
  if (!wanted) throw new RangeError(`unknown execution provider ${JSON.stringify(choice)} (use auto, cpu, cuda or tensorrt)`);
  const attempts = wanted.filter((p) => listed.has(p));
  const skipped = wanted.filter((p) => !listed.has(p)).map((p) => `${p}: not offered by this onnxruntime-node build`);
  return { attempts: [...attempts, 'cpu'], skipped };
}

function sessionOptions(provider: string, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
    // Several sessions alternate on 2 cores: spinning threads starve each other (measured 85–94 ms → 45–48 ms per frame).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

async function openSessions(manifests: ModelManifest[], dir: string, provider: string, threads: number): Promise<LoadedModel[]> {
  const opened: LoadedModel[] = [];
  try {
    for (const manifest of manifests) {
      const path = modelFilePath(manifest, dir);
      const t0 = performance.now();
      const options = sessionOptions(provider, threads);
      const session = manifest.relaxBatch
        ? await ort.InferenceSession.create(withDynamicBatch(await readFile(path)), options)
        : await ort.InferenceSession.create(path, options);
      opened.push({ id: manifest.id, manifest, session, path, provider, loadMs: performance.now() - t0 });
    }
    return opened;
  } catch (err) {
    await Promise.all(opened.map((m) => m.session.release()));
    throw err;
  }
}

function selectManifests(all: ModelManifest[], ids: ModelId[] | undefined, dir: string): ModelManifest[] {
  if (!ids) return all;
  return ids.map((id) => {
    const m = all.find((x) => x.id === id);
    if (!m) throw new ModelManifestError(dir, `no manifest declares model id ${id}`);
    return m;
  });
}

/**
 * Verifies and loads the models. Throws ModelIntegrityError (missing/corrupt file, naming it and the repair
 * command) or ModelManifestError before any session is created.
 */
export async function loadModels(opts: LoadOptions = {}): Promise<ModelSet> {
  const t0 = performance.now();
  const dir = opts.modelsDir ?? defaultModelsDir();
  const log = opts.log ?? createLogger('models');
  const threads = opts.intraOpThreads ?? 2;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`intraOpThreads must be a positive integer, got ${threads}`);
  const manifests = selectManifests(readManifests(dir), opts.ids, dir);
  for (const m of manifests) await verifyModelFile(m, dir);

  const { attempts, skipped } = providerPlan(opts.provider ?? 'cpu');
  const failures = [...skipped];
  let loaded: LoadedModel[] | null = null;
  let provider = 'cpu';
  for (const candidate of attempts) {
    try {
      loaded = await openSessions(manifests, dir, candidate, threads);
      provider = candidate;
      break;
    } catch (err) {
      if (candidate === 'cpu') throw err;
      failures.push(`${candidate}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  const fallbackReason = failures.length ? failures.join('; ') : null;
  if (fallbackReason) log.warn(`execution provider ${opts.provider} not fully available, running on ${provider}`, { reason: fallbackReason });
  return createModelSet(loaded ?? [], provider, fallbackReason, performance.now() - t0);
}

function createModelSet(models: LoadedModel[], provider: string, fallbackReason: string | null, loadMs: number): ModelSet {
  const byId = new Map(models.map((m) => [m.id, m]));
  let released = false;
  return {
    ids: models.map((m) => m.id),
    provider,
    fallbackReason,
    loadMs,
    get(id) {
      const m = byId.get(id);
      if (released) throw new Error(`model set was released; ${id} is no longer usable`);
      if (!m) throw new Error(`model ${id} was not loaded (loaded: ${[...byId.keys()].join(', ') || 'none'})`);
      return m;
    },
    async release() {
      if (released) return;
      released = true;
      await Promise.all(models.map((m) => m.session.release()));
    },
  };
}

/** One line per loaded model, for start-up output: id, file, size, sha256 prefix, provider, load time. */
export function describeModels(set: ModelSet): string {
  const lines = set.ids.map((id) => {
    const m = set.get(id);
    const mb = (m.manifest.bytes / 1e6).toFixed(1);
    return `  ${id.padEnd(20)} ${m.manifest.file.padEnd(26)} ${mb.padStart(5)} MB  sha256 ${m.manifest.sha256.slice(0, 12)}  ${m.provider}  ${m.loadMs.toFixed(0)} ms`;
  });
  const fallback = set.fallbackReason ? ` (fallback: ${set.fallbackReason})` : '';
  return [`models loaded on ${set.provider}${fallback} in ${set.loadMs.toFixed(0)} ms:`, ...lines].join('\n');
}
