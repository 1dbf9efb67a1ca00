/** A QR code as inline SVG (no canvas, no data URL: fine under the strict CSP), from uqr's module matrix. */
import { encode } from 'uqr';

export function QrCode({ text, label, size = 220 }: { text: string; label: string; size?: number }) {
  const qr = encode(text, { ecc: 'M', border: 2 });
  const n = qr.data.length;
  let d = '';
  qr.data.forEach((row, y) => row.forEach((on, x) => on && (d += `M${x} ${y}h1v1h-1z`)));
  return (
    <svg class="qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${n} ${n}`} shape-rendering="crispEdges">
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

/** What the QR code holds: the cloud address and the claim code, as JSON the set-up page can read. */
export function claimPayload(cloudUrl: string, claimCode: string): string {
  return JSON.stringify({ cloudUrl, claimCode });
}
