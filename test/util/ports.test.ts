import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { choosePort, portIsFree } from '../../device/src/util/ports.js';

test('choosePort keeps a free port, steps past a taken one, and leaves 0 (any) alone', async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const taken = (holder.address() as { port: number }).port;
  try {
    assert.equal(await portIsFree(taken, '127.0.0.1'), false);
    const chosen = await choosePort(taken, '127.0.0.1');
    assert.ok(chosen !== null && chosen > taken && chosen < taken + 20, `next free port above ${taken}: ${chosen}`);
    assert.equal(await choosePort(chosen!, '127.0.0.1'), chosen, 'a free port is kept');
    assert.equal(await choosePort(taken, '127.0.0.1', 1), null, 'nothing free in the range');
    assert.equal(await choosePort(0), 0);
  } finally {
    await new Promise((r) => holder.close(r));
  }
});
