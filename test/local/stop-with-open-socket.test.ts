/**
 * Stopping the local stack while a browser holds a socket it opened ahead of need (a preconnect: connected, nothing
 * sent). Node never counts such a socket idle, so without closing it `stop()` waited for as long as the portal or
 * console tab stayed open.
 */
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { startTestStack } from '../e2e/helpers';

it('stop() does not wait on a socket that never sent a request', { timeout: 10_000 }, async () => {
  const t = await startTestStack();
  const socket = connect(t.stack.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const closed = new Promise((resolve) => socket.once('close', resolve));

  await t.stop();

  await expect(closed).resolves.toBe(false);
});
