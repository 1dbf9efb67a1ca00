/**
 * The most pixels one image may have before it is decoded. A 40 MP photo is larger than any phone camera
 * takes; a decompression bomb (a small PNG claiming 10,900 × 10,900) is refused from its header, before
 * libvips allocates a byte for its pixels.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;
