import { CameraConfig, type CameraConfigInput } from '../contracts/camera.js';
import type { Codec } from './codec.js';
import { failure, type CameraFailure } from './failure.js';
import type { FrameSource } from './frame-source.js';
import type { PlatformFacts } from './platform.js';
import { CandidateCursor, createFrameSource, planSource } from './source-plan.js';

export type TestConnectionResult =
  | { ok: true; width: number; height: number; codec: Codec; decoder: string; firstFrameMs: number }
  | { ok: false; error: CameraFailure };

/**
 * What the HTTP "test connection" button calls: probes the camera, decodes until the first analysed frame
 * (falling back through decoders/codecs like the supervisor does) and stops. Never throws; bad settings,
 * auth failures and timeouts come back as `{ ok: false, error }` with a human message.
 */
export async function testConnection(input: CameraConfigInput, timeoutMs: number, facts: PlatformFacts): Promise<TestConnectionResult> {
  const parsed = CameraConfig.safeParse(input);
  if (!parsed.success) return { ok: false, error: failure('bad-url', parsed.error.issues.map((i) => i.message).join('; ')) };
  const config = parsed.data;
  const started = Date.now();
  const remaining = () => timeoutMs - (Date.now() - started);

  const plan = await planSource(config, Math.max(1, remaining()));
  if (!plan.ok) return { ok: false, error: plan.error };
  const cursor = new CandidateCursor(plan.value, facts, config.decoder);
  for (;;) {
    const choice = cursor.current();
    if (!choice.ok) return { ok: false, error: choice.error };
    const { codec, decoder } = choice.value;
    if (remaining() <= 0) break;
    const source = createFrameSource(config, plan.value.spec, codec, decoder, false);
    const outcome = await firstFrame(source, remaining());
    if (outcome.ok) {
      return { ok: true, width: outcome.width, height: outcome.height, codec, decoder: decoder.element, firstFrameMs: Date.now() - started };
    }
    const f = outcome.error;
    if (f.kind === 'decoder-failed' && cursor.nextDecoder()) continue;
    if (f.kind === 'stream-error' && cursor.nextCodec()) continue;
    return { ok: false, error: f };
  }
  return { ok: false, error: failure('stalled', `no frame within ${Math.round(timeoutMs / 1000)} s`) };
}

function firstFrame(source: FrameSource, timeoutMs: number): Promise<{ ok: true; width: number; height: number } | { ok: false; error: CameraFailure }> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: { ok: true; width: number; height: number } | { ok: false; error: CameraFailure }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      source.stop();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, error: failure('stalled', `no frame within ${Math.round(timeoutMs / 1000)} s`) }), timeoutMs);
    source.onFrame((f) => finish({ ok: true, width: f.width, height: f.height }));
    source.onFailure((error) => finish({ ok: false, error }));
    const s = source.start();
    if (!s.ok) finish({ ok: false, error: s.error });
  });
}
