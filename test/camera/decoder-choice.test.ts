import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDecoder, KNOWN_DECODER_ELEMENTS } from '../../device/src/camera/decoder.js';
import type { PlatformFacts } from '../../device/src/camera/platform.js';

/** Faked platform facts: a plain PC with only the software decoders unless overridden. */
function facts(over: Partial<PlatformFacts> & { has?: string[] } = {}): PlatformFacts {
  const elements: Record<string, boolean> = Object.fromEntries(KNOWN_DECODER_ELEMENTS.map((e) => [e, false]));
  for (const e of ['avdec_h264', 'avdec_h265', 'jpegdec', ...(over.has ?? [])]) elements[e] = true;
  return { jetson: false, deviceModel: null, renderNodes: [], nvidiaDriver: false, ...over, elements };
}
const names = (f: PlatformFacts, codec: 'h264' | 'h265' | 'mjpeg' | 'raw', forced?: string) =>
  chooseDecoder(f, codec, forced).map((c) => c.element);

test('plain PC: software decoders only', () => {
  assert.deepEqual(names(facts(), 'h264'), ['avdec_h264']);
  assert.deepEqual(names(facts(), 'h265'), ['avdec_h265']);
  assert.deepEqual(names(facts(), 'mjpeg'), ['jpegdec']);
  assert.equal(chooseDecoder(facts(), 'h264')[0].hardware, false);
});

test('Jetson: nvv4l2decoder + nvvidconv first, software last', () => {
  const f = facts({ jetson: true, deviceModel: 'NVIDIA Jetson Orin Nano', has: ['nvv4l2decoder', 'nvvidconv'] });
  const h264 = chooseDecoder(f, 'h264');
  assert.deepEqual(h264.map((c) => c.element), ['nvv4l2decoder', 'avdec_h264']);
  assert.match(h264[0].chain, /nvv4l2decoder name=dec ! nvvidconv/);
  assert.equal(h264[0].hardware, true);
  assert.deepEqual(names(f, 'h265'), ['nvv4l2decoder', 'avdec_h265']);
});

test('Jetson without nvvidconv cannot use the hardware decoder', () => {
  const f = facts({ jetson: true, has: ['nvv4l2decoder'] });
  assert.deepEqual(names(f, 'h264'), ['avdec_h264']);
});

test('Raspberry Pi 4: v4l2h264dec for H.264, software for H.265', () => {
  const f = facts({ deviceModel: 'Raspberry Pi 4 Model B Rev 1.4', has: ['v4l2h264dec'] });
  assert.deepEqual(names(f, 'h264'), ['v4l2h264dec', 'avdec_h264']);
  assert.deepEqual(names(f, 'h265'), ['avdec_h265']);
  // Same element on a Pi 3 is not trusted.
  assert.deepEqual(names(facts({ deviceModel: 'Raspberry Pi 3 Model B', has: ['v4l2h264dec'] }), 'h264'), ['avdec_h264']);
});

test('VA-API needs a render node and the element', () => {
  const withNode = facts({ renderNodes: ['/dev/dri/renderD128'], has: ['vah264dec', 'vah265dec'] });
  assert.deepEqual(names(withNode, 'h264'), ['vah264dec', 'avdec_h264']);
  assert.deepEqual(names(withNode, 'h265'), ['vah265dec', 'avdec_h265']);
  assert.deepEqual(names(facts({ has: ['vah264dec'] }), 'h264'), ['avdec_h264'], 'no /dev/dri/renderD*');
  assert.deepEqual(names(facts({ renderNodes: ['/dev/dri/renderD128'] }), 'h264'), ['avdec_h264'], 'element missing');
});

test('NVIDIA desktop: nvh264dec when the driver is loaded; VA-API is preferred when both exist', () => {
  assert.deepEqual(names(facts({ nvidiaDriver: true, has: ['nvh264dec'] }), 'h264'), ['nvh264dec', 'avdec_h264']);
  const both = facts({ nvidiaDriver: true, renderNodes: ['/dev/dri/renderD128'], has: ['nvh264dec', 'vah264dec'] });
  assert.deepEqual(names(both, 'h264'), ['vah264dec', 'nvh264dec', 'avdec_h264']);
});

test('a forced decoder goes first when it exists, software stays as fallback', () => {
  const f = facts({ nvidiaDriver: true, renderNodes: ['/dev/dri/renderD128'], has: ['nvh264dec', 'vah264dec'] });
  const list = chooseDecoder(f, 'h264', 'nvh264dec');
  assert.deepEqual(list.map((c) => c.element), ['nvh264dec', 'vah264dec', 'avdec_h264']);
  assert.equal(list[0].reason, 'forced by camera setting');
  assert.deepEqual(names(f, 'h264', 'nvv4l2decoder'), ['vah264dec', 'nvh264dec', 'avdec_h264'], 'missing forced element is ignored');
});

test('no software decoder installed means no candidate (reported as unsupported codec)', () => {
  const f = facts();
  f.elements.avdec_h265 = false;
  assert.deepEqual(names(f, 'h265'), []);
});

test('raw video needs no decoder', () => {
  assert.deepEqual(names(facts(), 'raw'), ['none']);
});
