import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { KNOWN_DECODER_ELEMENTS } from './decoder.js';

/** What the decoder choice depends on, gathered once at start-up (a plain object so tests can fake it). */
export interface PlatformFacts {
  /** NVIDIA Jetson (L4T): /etc/nv_tegra_release exists. */
  jetson: boolean;
  /** /proc/device-tree/model, e.g. "Raspberry Pi 4 Model B Rev 1.4"; null on PCs. */
  deviceModel: string | null;
  /** DRM render nodes (/dev/dri/renderD128…): VA-API needs one. */
  renderNodes: string[];
  /** NVIDIA desktop driver loaded (/proc/driver/nvidia/version). */
  nvidiaDriver: boolean;
  /** GStreamer elements present in the registry, by name. */
  elements: Record<string, boolean>;
}

function readTrimmed(path: string): string | null {
  try {
    // Device-tree strings end with a NUL byte.
    return readFileSync(path, 'utf8').replace(/\0/g, '').trim() || null;
  } catch {
    return null;
  }
}

function listRenderNodes(): string[] {
  try {
    return readdirSync('/dev/dri')
      .filter((n) => n.startsWith('renderD'))
      .map((n) => `/dev/dri/${n}`)
      .sort();
  } catch {
    return [];
  }
}

/** True when `gst-inspect-1.0 --exists ELEMENT` finds the element in the GStreamer registry. */
export function gstElementExists(element: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('gst-inspect-1.0', ['--exists', element], { timeout: 15_000 }, (error) => resolve(!error));
  });
}

/** Reads the platform files and asks the GStreamer registry about every decoder element the choice may use. */
export async function detectPlatformFacts(elements: readonly string[] = KNOWN_DECODER_ELEMENTS): Promise<PlatformFacts> {
  const found: Record<string, boolean> = {};
  // Sequential on purpose: each gst-inspect loads the registry; running ten at once on 2 cores helps nobody.
  for (const el of elements) found[el] = await gstElementExists(el);
  return {
    jetson: existsSync('/etc/nv_tegra_release'),
    deviceModel: readTrimmed('/proc/device-tree/model'),
    renderNodes: listRenderNodes(),
    nvidiaDriver: existsSync('/proc/driver/nvidia/version'),
    elements: found,
  };
}
