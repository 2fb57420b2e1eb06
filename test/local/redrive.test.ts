/**
 * Replaying dead letters on the local stack (`npm run cli -- queues redrive <source>`), the local
 * counterpart of `aws sqs start-message-move-task`: an event whose processing failed until it was
 * dead-lettered is published exactly once after the cause is gone and the DLQ is redriven.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../helpers/cli-io';
import {
  localSource,
  post,
  rawRequest,
  registerAsRunning,
  signedRequest,
  startTestStack,
  waitFor,
  type TestStack,
} from '../e2e/helpers';

let dir: string | undefined;
let t: TestStack | undefined;
afterEach(async () => {
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  t = undefined;
  dir = undefined;
});

/** A stack on a data directory, registered as `npm start` registers it, dead-lettering after 2 receives. */
async function runningStack(): Promise<{ t: TestStack; dir: string }> {
  dir = mkdtempSync(join(tmpdir(), 'redrive-test-'));
  const base = localSource('stripe');
  t = await startTestStack({
    dataDir: dir,
    sources: [{ ...base, source: { ...base.source, maxReceiveCount: 2 } }],
    timing: { processorTimeoutMs: 400, processorLeaseMs: 500, visibilityTimeoutMs: 600 },
  });
  registerAsRunning(dir, t.stack);
  return { t, dir };
}

describe('queues redrive', () => {
  it('moves a dead-lettered event back; once the cause is fixed it is processed and published exactly once', async () => {
    const { t, dir } = await runningStack();
    const queue = t.stack.queues.get('stripe')!;
    // The cause: every publish fails until the fault is used up (two receives, then the DLQ).
    t.stack.faults.topic.failNext('publishBatch', { times: 2 });
    const request = signedRequest(t.stack.url, 'stripe');
    expect((await post(request)).status).toBe(202);
    await waitFor('the event in the DLQ', () => (queue.stats().deadLetters === 1 ? true : undefined));
    expect(await t.stack.getEvent('stripe', request.eventId!)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(t.publishedFor(request.eventId!)).toHaveLength(0);

    const listed = captureIo();
    expect(await runCli(['queues', '--data-dir', dir, '--json'], listed)).toBe(0);
    expect(JSON.parse(listed.stdout[0]!)).toContainEqual({ queue: 'stripe', waiting: 0, inFlight: 0, deadLetters: 1 });

    const io = captureIo();
    expect(await runCli(['queues', 'redrive', 'stripe', '--data-dir', dir], io)).toBe(0);
    expect(io.stdout).toEqual(['1 dead-lettered message moved back to the stripe queue']);

    await waitFor('the replayed event completed', async () =>
      (await t.stack.getEvent('stripe', request.eventId!))?.status === 'completed' ? true : undefined,
    );
    await t.stack.idle();
    expect(t.publishedFor(request.eventId!)).toHaveLength(1);
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it("answers an unknown source with exit 1 and the stack's message, and a missing source with a usage error", async () => {
    const { dir } = await runningStack();
    const io = captureIo();

    expect(await runCli(['queues', 'redrive', 'nope', '--data-dir', dir], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('No local source "nope"');
    expect(await runCli(['queues', 'redrive', '--data-dir', dir], captureIo())).toBe(2);
  });

  it('answers an unknown /_local/ path with 404 without reaching the verifier', async () => {
    const { t } = await runningStack();
    const response = await fetch(`${t.stack.url}/_local/nothing-here`);
    expect(response.status).toBe(404);
    expect(t.stack.faults.store.calls('tryReceive')).toBe(0);
  });

  it('refuses a foreign Origin or Host with 403 and moves nothing (cross-site request, DNS rebinding)', async () => {
    const { t } = await runningStack();
    const queue = t.stack.queues.get('stripe')!;
    t.stack.faults.topic.failNext('publishBatch', { times: 2 });
    expect((await post(signedRequest(t.stack.url, 'stripe'))).status).toBe(202);
    await waitFor('the event in the DLQ', () => (queue.stats().deadLetters === 1 ? true : undefined));
    const redrive = `POST /_local/queues/stripe/redrive HTTP/1.1\r\nContent-Length: 0\r\n`;
    const port = t.stack.port;

    const answers = await Promise.all([
      rawRequest(port, `${redrive}Host: 127.0.0.1:${port}\r\nOrigin: http://evil.example\r\n`),
      rawRequest(port, `${redrive}Host: evil.example\r\n`),
      rawRequest(port, `${redrive}Host: evil.example:${port}\r\n`),
      rawRequest(port, `${redrive}Host: 127.0.0.1:${port}\r\nOrigin: http://localhost:8080\r\n`),
      rawRequest(port, `${redrive}Host: 127.0.0.1:${port}\r\nOrigin: null\r\n`),
      rawRequest(port, `${redrive}Host: 127.0.0.1:${port}\r\nSec-Fetch-Site: cross-site\r\n`),
      rawRequest(port, `GET /_local/queues HTTP/1.1\r\nHost: evil.example\r\n`),
    ]);

    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ error: 'forbidden' });
    expect(queue.stats().deadLetters).toBe(1);
  });

  it('answers the local CLI and a same-origin request', async () => {
    const { t } = await runningStack();
    const port = t.stack.port;

    const sameOrigin = await rawRequest(
      port,
      `GET /_local/queues HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: http://localhost:${port}\r\nSec-Fetch-Site: same-origin\r\n`,
    );
    const fromFetch = await fetch(`${t.stack.url}/_local/queues`);

    expect(sameOrigin.status).toBe(200);
    expect(fromFetch.status).toBe(200);
  });

  it('queues says when in-flight messages become visible again', async () => {
    const { t, dir } = await runningStack();
    t.stack.sources.get('stripe')!.processor.pause();
    expect((await post(signedRequest(t.stack.url, 'stripe'))).status).toBe(202);
    // A consumer took it and died: it stays hidden for the visibility timeout (600 ms here).
    const [taken] = await t.stack.queues.get('stripe')!.receive(1);
    const io = captureIo();
    const json = captureIo();

    expect(await runCli(['queues', '--data-dir', dir], io)).toBe(0);
    expect(await runCli(['queues', '--data-dir', dir, '--json'], json)).toBe(0);

    const visibleAgain = new Date(taken!.firstReceivedAt + 600).toISOString();
    expect(io.stdout[0]).toMatch(/^QUEUE +WAITING +IN FLIGHT +DEAD LETTERS +VISIBLE AGAIN$/);
    expect(io.stdout[1]).toMatch(
      new RegExp(`^stripe +0 +1 +0 +${visibleAgain.replaceAll('.', '\\.')} \\(in [01] s\\)$`),
    );
    expect(JSON.parse(json.stdout[0]!)).toContainEqual({
      queue: 'stripe',
      waiting: 0,
      inFlight: 1,
      deadLetters: 0,
      visibleAgain,
    });
  });

  it('says no stack is running when none is', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'redrive-none-'));
    try {
      const io = captureIo();
      expect(await runCli(['queues', '--data-dir', empty], io)).toBe(1);
      expect(io.stderr.join('\n')).toMatch(/No local stack is running/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
