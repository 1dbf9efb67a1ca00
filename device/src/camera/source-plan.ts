import { stat } from 'node:fs/promises';
import type { CameraConfig } from '../contracts/camera.js';
import { err, ok, type Result } from '../util/result.js';
import type { Codec } from './codec.js';
import { chooseDecoder, type DecoderCandidate } from './decoder.js';
import { failure, type CameraFailure } from './failure.js';
import { probeFile } from './file-probe.js';
import { GstFrameSource } from './gst-frame-source.js';
import { probeHttpMjpeg } from './http-probe.js';
import { buildPipelineDescription } from './pipeline-description.js';
import type { PlatformFacts } from './platform.js';
import { probeRtsp } from './rtsp-probe.js';
import { parseSourceSpec, type SourceSpec } from './source-spec.js';

/** What a camera needs before a pipeline is built: its source, and the codecs to try in order. */
export interface SourcePlan {
  spec: SourceSpec;
  codecs: Codec[];
}

/** Parses the URL and probes the camera (RTSP DESCRIBE, HTTP headers, file codec, device node) for a clear early answer. */
export async function planSource(config: CameraConfig, timeoutMs: number): Promise<Result<SourcePlan, CameraFailure>> {
  const parsed = parseSourceSpec(config);
  if (!parsed.ok) return parsed;
  const spec = parsed.value;
  switch (spec.kind) {
    case 'rtsp': {
      // rtsps:// needs TLS; the probe speaks plain RTSP only, so those try H.264 then H.265.
      if (spec.secure) return ok({ spec, codecs: ['h264', 'h265'] });
      const d = await probeRtsp(spec.url, timeoutMs);
      return d.ok ? ok({ spec, codecs: [d.value.codec] }) : d;
    }
    case 'http': {
      const h = await probeHttpMjpeg(spec.url, timeoutMs);
      return h.ok ? ok({ spec, codecs: ['mjpeg'] }) : h;
    }
    case 'file': {
      const f = await probeFile(spec.path, timeoutMs);
      return f.ok ? ok({ spec, codecs: [f.value.codec] }) : f;
    }
    case 'usb':
      try {
        await stat(spec.device);
      } catch {
        return err(failure('not-found', `no such video device: ${spec.device}`));
      }
      // Most USB cameras only reach full frame rate in MJPEG; raw YUYV is the fallback.
      return ok({ spec, codecs: ['mjpeg', 'raw'] });
  }
}

/**
 * Walks the (codec, decoder) combinations of a plan: the next decoder after a decoder failure or a stall
 * (hardware → software), the next codec when the stream could not be negotiated at all.
 */
export class CandidateCursor {
  private codecIndex = 0;
  private decoderIndex = 0;

  constructor(
    private readonly plan: SourcePlan,
    private readonly facts: PlatformFacts,
    private readonly forcedDecoder: string,
  ) {}

  current(): Result<{ codec: Codec; decoder: DecoderCandidate }, CameraFailure> {
    const codec = this.plan.codecs[this.codecIndex];
    const decoders = chooseDecoder(this.facts, codec, this.forcedDecoder);
    const decoder = decoders[this.decoderIndex];
    if (!decoder) return err(failure('unsupported-codec', `no ${codec.toUpperCase()} decoder is installed`));
    return ok({ codec, decoder });
  }

  /** Moves to the next decoder for the same codec; false when there is none. */
  nextDecoder(): boolean {
    const decoders = chooseDecoder(this.facts, this.plan.codecs[this.codecIndex], this.forcedDecoder);
    if (this.decoderIndex + 1 >= decoders.length) return false;
    this.decoderIndex++;
    return true;
  }

  /** Moves to the next codec (first decoder); false when there is none. */
  nextCodec(): boolean {
    if (this.codecIndex + 1 >= this.plan.codecs.length) return false;
    this.codecIndex++;
    this.decoderIndex = 0;
    return true;
  }
}

/** Builds (does not start) the frame source for one (codec, decoder) choice. */
export function createFrameSource(
  config: CameraConfig,
  spec: SourceSpec,
  codec: Codec,
  decoder: DecoderCandidate,
  realtime: boolean,
  pullOnRelease = false,
): GstFrameSource {
  const description = buildPipelineDescription(spec, codec, decoder, {
    width: config.analysisWidth,
    fps: config.analysisFps,
    realtime,
  });
  return new GstFrameSource({
    cameraId: config.id,
    description,
    decoder: decoder.element,
    loop: spec.kind === 'file' && spec.loop,
    reportPosition: spec.kind === 'file',
    // Only a file read as fast as possible can wait for its consumer; live cameras never wait.
    pullOnRelease: pullOnRelease && spec.kind === 'file' && !realtime,
  });
}
