/**
 * The 1:N scan behind Gallery: squared Euclidean distances from a query to every row of a flat Float32
 * matrix, reduced to the best two LABELS (persons).
 *
 * With WebAssembly SIMD (Node 20 on x64 and arm64) the scan is two-stage:
 *  1. a coarse pass over an int8 copy of the matrix (per-row scale): i32x4 dot products in WebAssembly.
 *     It reads a quarter of the bytes, and at 100,000 × 128 the int8 copy (12.8 MB) stays in the L3 cache,
 *     so other processes on the box hardly slow it down;
 *  2. an exact float pass over the few rows that the coarse pass cannot rule out. Each coarse distance comes
 *     with a strict error bound (from the quantisation steps and the L1 norms), so the answer is exactly the
 *     full float scan's answer.
 * Without SIMD it is a plain exact JS scan.
 */

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
const name = (s: string): number[] => [...leb(s.length), ...Buffer.from(s, 'ascii')];
const simd = (op: number): number[] => [0xfd, ...leb(op)];

/**
 * dot8(q, data, rows, dim, out): out[r] = Σ q[i]·data[r][i] over int8 values, as int32; dim a multiple of 16.
 * Params 0..4; locals 5 r, 6 rowPtr, 7 i (i32); 8 acc, 9 a, 10 b (v128).
 */
function dot8ModuleBytes(): Uint8Array<ArrayBuffer> {
  const GET = 0x20, SET = 0x21, TEE = 0x22, I32_CONST = 0x41, I32_ADD = 0x6a;
  const LOAD = [...simd(0x00), 0, 0];
  const EXT_LO = simd(0x87); // i16x8.extend_low_i8x16_s
  const EXT_HI = simd(0x88); // i16x8.extend_high_i8x16_s
  const DOT = simd(0xba); // i32x4.dot_i16x8_s
  const ADD = simd(0xae); // i32x4.add
  const LANE = (i: number) => [...simd(0x1b), i]; // i32x4.extract_lane
  const body = [
    0x02, 0x40,
    GET, 2, 0x45, 0x0d, 0, // no rows → done
    GET, 1, SET, 6,
    0x03, 0x40, // rows
    ...simd(0x0c), ...new Array<number>(16).fill(0), SET, 8,
    I32_CONST, 0, SET, 7,
    0x03, 0x40, // 16 int8 values at a time
    GET, 0, GET, 7, I32_ADD, ...LOAD, SET, 9,
    GET, 6, GET, 7, I32_ADD, ...LOAD, SET, 10,
    GET, 8,
    GET, 9, ...EXT_LO, GET, 10, ...EXT_LO, ...DOT, ...ADD,
    GET, 9, ...EXT_HI, GET, 10, ...EXT_HI, ...DOT, ...ADD,
    SET, 8,
    GET, 7, I32_CONST, 16, I32_ADD, TEE, 7,
    GET, 3, 0x49, 0x0d, 0,
    0x0b,
    GET, 4, GET, 5, I32_CONST, 2, 0x74, I32_ADD, // &out[r]
    GET, 8, ...LANE(0),
    GET, 8, ...LANE(1), I32_ADD,
    GET, 8, ...LANE(2), I32_ADD,
    GET, 8, ...LANE(3), I32_ADD,
    0x36, 2, 0, // i32.store
    GET, 6, GET, 3, I32_ADD, SET, 6,
    GET, 5, I32_CONST, 1, I32_ADD, TEE, 5,
    GET, 2, 0x49, 0x0d, 0,
    0x0b,
    0x0b,
    0x0b,
  ];
  const func = [2, 3, 0x7f, 3, 0x7b, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('memory'), 2, 0, ...name('dot8'), 0, 0]),
    ...section(10, [1, ...leb(func.length), ...func]),
  ]);
}

type Dot8 = (q: number, data: number, rows: number, dim: number, out: number) => void;

function instantiateSimd(): { memory: WebAssembly.Memory; dot8: Dot8 } | null {
  if (process.env.CVA_NO_SIMD === '1') return null;
  try {
    const bytes = dot8ModuleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return { memory: inst.exports.memory as WebAssembly.Memory, dot8: inst.exports.dot8 as Dot8 };
  } catch {
    return null;
  }
}

const PAGE = 65536;

/** The best two labels and their squared distances (label −1 / Infinity when absent). */
export interface TopTwo {
  p1: number;
  d1: number;
  p2: number;
  d2: number;
}

/** Running best-two-distinct-labels reduction. */
class TopTwoLabels implements TopTwo {
  p1 = -1;
  d1 = Infinity;
  p2 = -1;
  d2 = Infinity;
  offer(p: number, d: number): void {
    if (d >= this.d2) return; // cannot change the best two (the best label's own d1 <= d2)
    if (p === this.p1) {
      if (d < this.d1) this.d1 = d;
    } else if (d < this.d1) {
      // The old best becomes the runner-up (also when p was the runner-up: it moves to best).
      this.p2 = this.p1;
      this.d2 = this.d1;
      this.p1 = p;
      this.d1 = d;
    } else {
      this.p2 = p;
      this.d2 = d;
    }
  }
}

/** A growable row matrix with its int8 shadow; `data` views change on growth, so never keep them. */
export class DistanceKernel {
  readonly simd: boolean;
  private readonly wasm: { memory: WebAssembly.Memory; dot8: Dot8 } | null;
  private capacity = 0;
  /** Bytes reserved for the int8 query at the start of the wasm memory. */
  private readonly queryBytes: number;
  data = new Float32Array(0);
  private norm2 = new Float64Array(0);
  private l1 = new Float64Array(0);
  private scale = new Float64Array(0);
  private lower = new Float64Array(0);

  constructor(
    readonly dim: number,
    initialRows: number,
  ) {
    this.queryBytes = Math.ceil(dim / 16) * 16;
    this.wasm = instantiateSimd();
    this.simd = this.wasm !== null;
    this.reserve(Math.max(16, initialRows));
  }

  get rowsCapacity(): number {
    return this.capacity;
  }

  /** Makes room for `rows` rows, keeping the first `keepRows`. */
  reserve(rows: number, keepRows = 0): void {
    if (rows <= this.capacity) return;
    const grow = <T extends Float32Array | Float64Array>(old: T, make: (n: number) => T, per: number): T => {
      const next = make(rows * per);
      next.set(old.subarray(0, keepRows * per));
      return next;
    };
    this.data = grow(this.data, (n) => new Float32Array(n), this.dim);
    this.norm2 = grow(this.norm2, (n) => new Float64Array(n), 1);
    this.l1 = grow(this.l1, (n) => new Float64Array(n), 1);
    this.scale = grow(this.scale, (n) => new Float64Array(n), 1);
    this.lower = new Float64Array(rows);
    if (this.wasm) {
      // int8 rows sit at a fixed offset and only the output area after them moves, so growing keeps them.
      const need = this.queryBytes + rows * this.dim + rows * 4;
      const have = this.wasm.memory.buffer.byteLength;
      if (need > have) this.wasm.memory.grow(Math.ceil((need - have) / PAGE));
    }
    this.capacity = rows;
  }

  /** Writes row `r` (and its int8 shadow and norms). */
  setRow(r: number, v: Float32Array): void {
    const dim = this.dim;
    this.data.set(v, r * dim);
    let n2 = 0;
    let l1 = 0;
    let max = 0;
    for (let i = 0; i < dim; i++) {
      const x = this.data[r * dim + i];
      n2 += x * x;
      l1 += Math.abs(x);
      if (Math.abs(x) > max) max = Math.abs(x);
    }
    this.norm2[r] = n2;
    this.l1[r] = l1;
    const s = max / 127;
    this.scale[r] = s;
    if (this.wasm) {
      const q = new Int8Array(this.wasm.memory.buffer, this.queryBytes + r * dim, dim);
      for (let i = 0; i < dim; i++) q[i] = s > 0 ? Math.round(this.data[r * dim + i] / s) : 0;
    }
  }

  /** Copies row `from` over row `to` (swap-delete). */
  moveRow(from: number, to: number): void {
    const dim = this.dim;
    this.data.copyWithin(to * dim, from * dim, (from + 1) * dim);
    this.norm2[to] = this.norm2[from];
    this.l1[to] = this.l1[from];
    this.scale[to] = this.scale[from];
    if (this.wasm) new Int8Array(this.wasm.memory.buffer).copyWithin(this.queryBytes + to * dim, this.queryBytes + from * dim, this.queryBytes + (from + 1) * dim);
  }

  /** Exact squared distance from `q` to row `r`. */
  squared(q: Float32Array, r: number): number {
    const data = this.data;
    const base = r * this.dim;
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < this.dim; i += 2) {
      const a = q[i] - data[base + i];
      const b = q[i + 1] - data[base + i + 1];
      s0 += a * a;
      s1 += b * b;
    }
    return s0 + s1;
  }

  /** Best two distinct labels over rows [0, rows) by exact squared distance, skipping `excluded` labels. */
  nearestTwo(q: Float32Array, rows: number, label: Int32Array, excluded: ReadonlySet<number> | null): TopTwo {
    if (!this.wasm) return this.exactScan(q, rows, label, excluded);
    const dim = this.dim;
    const mem = this.wasm.memory.buffer;
    // Quantise the query like the rows.
    let qn2 = 0;
    let ql1 = 0;
    let qmax = 0;
    for (let i = 0; i < dim; i++) {
      qn2 += q[i] * q[i];
      ql1 += Math.abs(q[i]);
      if (Math.abs(q[i]) > qmax) qmax = Math.abs(q[i]);
    }
    const qs = qmax / 127;
    const q8 = new Int8Array(mem, 0, dim);
    for (let i = 0; i < dim; i++) q8[i] = qs > 0 ? Math.round(q[i] / qs) : 0;
    const outOffset = this.queryBytes + this.capacity * dim;
    this.wasm.dot8(0, this.queryBytes, rows, dim, outOffset);
    const dots = new Int32Array(mem, outOffset, rows);

    // Coarse pass: d² = |q|² + |x|² − 2 q·x, with q·x known to within
    // E = (s_x/2)|q|₁ + (s_q/2)|x|₁ + dim·s_q·s_x/4, so d² is within 2E (+ a float rounding slack).
    const upper = new TopTwoLabels();
    const { norm2, l1, scale, lower } = this;
    const qTerm = ql1 / 2;
    const cross = (dim * qs) / 4;
    for (let r = 0; r < rows; r++) {
      const p = label[r];
      if (excluded !== null && excluded.has(p)) {
        lower[r] = NaN; // never <= anything: excluded rows stay out of the exact pass too
        continue;
      }
      const sx = scale[r];
      const approx = qn2 + norm2[r] - 2 * qs * sx * dots[r];
      const err = 2 * (sx * qTerm + (qs / 2) * l1[r] + cross * sx) + 1e-9 * (qn2 + norm2[r]);
      lower[r] = approx - err;
      upper.offer(p, approx + err);
    }
    // Exact pass over the rows that could still be one of the best two persons: the true runner-up is at
    // most `upper.d2` away, so a row whose lower bound exceeds it cannot matter.
    const bound = upper.d2;
    const exact = new TopTwoLabels();
    for (let r = 0; r < rows; r++) {
      if (lower[r] <= bound) exact.offer(label[r], this.squared(q, r));
    }
    return exact;
  }

  /** The fallback: every row exactly, abandoning a row once its partial sum passes the runner-up. */
  private exactScan(q: Float32Array, rows: number, label: Int32Array, excluded: ReadonlySet<number> | null): TopTwo {
    const best = new TopTwoLabels();
    const data = this.data;
    const dim = this.dim;
    for (let r = 0; r < rows; r++) {
      const p = label[r];
      if (excluded !== null && excluded.has(p)) continue;
      const bound = best.d2;
      const base = r * dim;
      let s = 0;
      for (let i = 0; i < dim && s < bound; i += 8) {
        const b = base + i;
        const a0 = q[i] - data[b], a1 = q[i + 1] - data[b + 1], a2 = q[i + 2] - data[b + 2], a3 = q[i + 3] - data[b + 3];
        const a4 = q[i + 4] - data[b + 4], a5 = q[i + 5] - data[b + 5], a6 = q[i + 6] - data[b + 6], a7 = q[i + 7] - data[b + 7];
        s += a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3 + a4 * a4 + a5 * a5 + a6 * a6 + a7 * a7;
      }
      if (s < bound) best.offer(p, s);
    }
    return best;
  }
}
