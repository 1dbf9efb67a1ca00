/** The deterministic vector the crash writer stores for a seed, so the parent can check it bit for bit. */
export const crashVector = (seed: number, dim: number) => Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 0.37 + i));
