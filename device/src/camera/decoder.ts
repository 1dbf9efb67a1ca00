import type { Codec } from './codec.js';
import type { PlatformFacts } from './platform.js';

/** One way to turn a parsed stream into raw video in system memory. */
export interface DecoderCandidate {
  /** The decoder element, reported in stats ("avdec_h264", "nvv4l2decoder", …). */
  element: string;
  /** gst-launch fragment from the parser's output to raw video in system memory; the decoder is named `dec`. */
  chain: string;
  hardware: boolean;
  /** Why this candidate is in the list (platform it matched). */
  reason: string;
}

/** Every element the choice can name; detectPlatformFacts() checks these in the registry. */
export const KNOWN_DECODER_ELEMENTS = [
  'nvv4l2decoder',
  'nvvidconv',
  'v4l2h264dec',
  'vah264dec',
  'vah265dec',
  'nvh264dec',
  'nvh265dec',
  'avdec_h264',
  'avdec_h265',
  'jpegdec',
] as const;

const jetson = (element: string, codec: 'h264' | 'h265'): DecoderCandidate => ({
  element,
  // nvvidconv copies out of NVMM (GPU) memory into plain buffers the rest of the pipeline can read.
  chain: `${element} name=dec ! nvvidconv ! video/x-raw,format=BGRx`,
  hardware: true,
  reason: `Jetson hardware ${codec} decoder`,
});

const plain = (element: string, hardware: boolean, reason: string): DecoderCandidate => ({
  element,
  chain: `${element} name=dec`,
  hardware,
  reason,
});

function isRaspberryPi4(facts: PlatformFacts): boolean {
  return /raspberry pi 4|compute module 4/i.test(facts.deviceModel ?? '');
}

/** Platform-specific candidates for a codec, best first, before checking the registry. */
function platformCandidates(facts: PlatformFacts, codec: Codec): DecoderCandidate[] {
  const out: DecoderCandidate[] = [];
  if (codec === 'h264' || codec === 'h265') {
    if (facts.jetson) out.push(jetson('nvv4l2decoder', codec));
    if (codec === 'h264' && isRaspberryPi4(facts)) out.push(plain('v4l2h264dec', true, 'Raspberry Pi 4 V4L2 decoder'));
    if (facts.renderNodes.length > 0) out.push(plain(`va${codec}dec`, true, `VA-API on ${facts.renderNodes[0]}`));
    if (facts.nvidiaDriver && !facts.jetson) out.push(plain(`nv${codec}dec`, true, 'NVIDIA desktop GPU (NVDEC)'));
    out.push(plain(`avdec_${codec}`, false, 'software (libav)'));
  } else if (codec === 'mjpeg') {
    out.push(plain('jpegdec', false, 'software JPEG'));
  }
  return out;
}

/** An element is usable only if the registry has it (and, for Jetson, its nvvidconv companion). */
function available(facts: PlatformFacts, c: DecoderCandidate): boolean {
  if (!facts.elements[c.element]) return false;
  return !c.chain.includes('nvvidconv') || facts.elements.nvvidconv === true;
}

/**
 * PURE: the decoders to try for `codec` on this platform, best first, only those present in the registry.
 * `forced` (a camera's `decoder` setting other than 'auto') goes first when present; the software decoder
 * always stays as the last resort so a broken hardware path falls back instead of failing.
 * Raw video needs no decoder: one pass-through candidate with element 'none'.
 */
export function chooseDecoder(facts: PlatformFacts, codec: Codec, forced = 'auto'): DecoderCandidate[] {
  if (codec === 'raw') return [{ element: 'none', chain: 'identity name=dec', hardware: false, reason: 'raw video' }];
  let list = platformCandidates(facts, codec).filter((c) => available(facts, c));
  if (forced !== 'auto') {
    const pick =
      list.find((c) => c.element === forced) ??
      (facts.elements[forced] ? plain(forced, true, 'forced by camera setting') : null);
    if (pick) list = [{ ...pick, reason: 'forced by camera setting' }, ...list.filter((c) => c.element !== forced)];
  }
  return list;
}
