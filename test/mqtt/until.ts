/**
 * Polls `cond` until it holds; the limit only ends a hung test (not a speed assertion).
 * Shared by the MQTT bridge and the device→cloud sync tests.
 */
export async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
