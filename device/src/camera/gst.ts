import { createRequire } from 'node:module';

/**
 * Typed view of the gstreamer-superficial native addon (CommonJS, so it is loaded with createRequire).
 * Only the calls the camera sources use are declared. Each pending `pull()` and `pollBus()` occupies one
 * libuv threadpool thread until it returns (see threadpool.ts).
 */
export interface GstStructure {
  name: string;
  [field: string]: unknown;
}

export interface GstBusMessage {
  /** GStreamer message type name: 'error', 'warning', 'eos', 'state-changed', … */
  type: string;
  /** Name of the element that posted it. */
  _src_element_name: string;
  /** For errors: the GError message ("Resource not found.", …). */
  message?: string;
  [field: string]: unknown;
}

export interface GstElement {
  [property: string]: unknown;
}

export interface GstAppSink extends GstElement {
  /** Calls back once with the next sample (Buffer + caps structure) or with null at EOS / when flushing. */
  pull(cb: (buf: Buffer | null, caps: GstStructure) => void): void;
}

export interface GstPipeline {
  play(): void;
  pause(): void;
  /** Sets the pipeline to NULL: releases devices and sockets and wakes any pending pull(). */
  stop(): void;
  /** Seek to `seconds` (integer). Flags: 1 = FLUSH, 4 = KEY_UNIT. */
  seek(seconds: number, flags: number): boolean;
  /** Position in seconds, or -1 when unknown. */
  queryPosition(): number;
  findChild(name: string): GstElement | undefined;
  /** Calls back for every bus message until the pipeline is in NULL state. */
  pollBus(cb: (msg: GstBusMessage) => void): void;
}

interface GstAddon {
  Pipeline: new (description: string) => GstPipeline;
}

let addon: GstAddon | null = null;

/** The native addon, loaded on first use (so importing camera modules never touches GStreamer). */
export function gstreamer(): GstAddon {
  if (!addon) {
    const require = createRequire(import.meta.url);
    addon = require('gstreamer-superficial') as GstAddon;
  }
  return addon;
}

/** Builds a pipeline from a gst-launch description; a parse error (unknown element, bad syntax) is returned, not thrown. */
export function createPipeline(description: string): { ok: true; pipeline: GstPipeline } | { ok: false; error: string } {
  try {
    const pipeline = new (gstreamer().Pipeline)(description);
    // The addon's bus poll blocks a thread until the next message and ends only once it sees NULL state.
    // With auto-flush the READY→NULL state-changed message can be dropped, leaving that thread (and so the
    // process's exit) waiting forever; without it, stop() always delivers a last message.
    (pipeline as unknown as Record<string, unknown>)['auto-flush-bus'] = false;
    return { ok: true, pipeline };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Quotes a value for a gst-launch description (double quotes; backslash escapes `"` and `\`). */
export function launchQuote(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** GObject guint64 properties arrive as decimal strings; this reads any numeric property as a number. */
export function numericProperty(el: GstElement | undefined, name: string): number {
  if (!el) return 0;
  const v = Number(el[name]);
  return Number.isFinite(v) ? v : 0;
}
