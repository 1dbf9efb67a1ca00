import { z } from 'zod';
import { AnalysisMode, CountingLine, CountingZone } from './footfall.js';

const cameraUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((u) => /^(rtsp|rtsps|http|https|file):\/\//i.test(u) || /^\/dev\/video\d+$/.test(u), {
    message: 'camera URL must be rtsp://, rtsps://, http(s):// (MJPEG), file:// or /dev/videoN',
  });

const uniqueIds = (xs: Array<{ id: string }>) => new Set(xs.map((x) => x.id)).size === xs.length;

export const CameraConfig = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'id: lowercase letters, digits, - and _'),
  name: z.string().min(1).max(80),
  url: cameraUrl,
  enabled: z.boolean().default(true),
  /** Frames per second handed to analysis; the rest are dropped inside GStreamer. */
  analysisFps: z.number().min(0.2).max(60).default(10),
  /** Analysis width in pixels; height follows the aspect ratio. Scaling happens inside GStreamer. */
  analysisWidth: z.number().int().min(160).max(3840).default(1280),
  /** RTSP transport. */
  rtspTransport: z.enum(['tcp', 'udp']).default('tcp'),
  /** Files only: start again at the end. */
  loop: z.boolean().default(false),
  /** 'auto' picks the best decoder the platform has; a named element forces it. */
  decoder: z.string().max(64).default('auto'),
  /** What analysis runs on this camera: faces (identity), persons (footfall) or both (docs/footfall.md). */
  analyse: AnalysisMode.default('faces'),
  /** Directed counting lines (in/out) and zones (occupancy, dwell), in fractions of the frame. */
  lines: z.array(CountingLine).max(8).refine(uniqueIds, 'line ids must be unique within a camera').default([]),
  zones: z.array(CountingZone).max(8).refine(uniqueIds, 'zone ids must be unique within a camera').default([]),
});
export type CameraConfig = z.infer<typeof CameraConfig>;
export type CameraConfigInput = z.input<typeof CameraConfig>;

export const CameraState = z.enum(['starting', 'running', 'reconnecting', 'stopped', 'error']);
export type CameraState = z.infer<typeof CameraState>;

export const CameraStats = z.object({
  cameraId: z.string(),
  state: CameraState,
  /** Human-readable reason for the last error or reconnect (bad URL, auth failed, unreachable…). */
  lastError: z.string().nullable(),
  decoder: z.string().nullable(),
  inputFps: z.number(),
  analysedFps: z.number(),
  droppedFrames: z.number().int(),
  decodeErrors: z.number().int(),
  reconnects: z.number().int(),
  lastFrameAgeMs: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type CameraStats = z.infer<typeof CameraStats>;
