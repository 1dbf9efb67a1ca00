/** What a camera stream carries before decoding. 'raw' is uncompressed video (USB cameras' YUYV). */
export type Codec = 'h264' | 'h265' | 'mjpeg' | 'raw';

/** Maps GStreamer caps names (from a probe or an SDP encoding name) to a codec; null when unsupported. */
export function codecFromCapsName(name: string): Codec | null {
  switch (name.toLowerCase()) {
    case 'video/x-h264':
    case 'h264':
      return 'h264';
    case 'video/x-h265':
    case 'h265':
    case 'hevc':
      return 'h265';
    case 'image/jpeg':
    case 'jpeg':
    case 'mjpeg':
      return 'mjpeg';
    case 'video/x-raw':
      return 'raw';
    default:
      return null;
  }
}
