/**
 * A record left `processing` because its `completed` write kept failing after the publish must not
 * look like live work: `events list` and `events show` report it as stale, with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { STALE_PROCESSING_REASON } from '../../lambdas/core/inbound/staleness';
import { captureIo } from '../helpers/cli-io';
import { post, registerAsRunning, signedRequest, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let dir: string | undefined;
let t: TestStack | undefined;
afterEach(async () => {
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  t = undefined;
  dir = undefined;
});

describe('a completed write that fails after the publish', () => {
  it('is published once and acknowledged; once its lease ends, events list and show call the record stale, with the reason', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stale-test-'));
    // Time for a few retries of the write (the processor keeps 500 ms back), then a short lease.
    t = await startTestStack({
      dataDir: dir,
      timing: { processorTimeoutMs: 2000, processorLeaseMs: 2500, visibilityTimeoutMs: 3000 },
    });
    registerAsRunning(dir, t.stack);
    t.stack.faults.store.failNext('markCompleted', { times: 1000 });
    const request = signedRequest(t.stack.url, 'stripe');
    expect((await post(request)).status).toBe(202);
    const id = request.eventId!;
    await waitFor('the publish', () => t!.publishedFor(id).length === 1);
    await t.stack.idle();
    expect(t.stack.faults.store.calls('markCompleted')).toBeGreaterThan(1);
    const record = (await t.stack.getEvent('stripe', id))!;
    expect(record.status).toBe('processing');
    await waitFor('the lease to end', () => Date.now() > record.leaseUntil! + 5);

    const list = captureIo();
    const json = captureIo();
    const show = captureIo();
    expect(await runCli(['events', 'list', '--data-dir', dir], list)).toBe(0);
    expect(await runCli(['events', 'list', '--status', 'stale', '--json', '--data-dir', dir], json)).toBe(0);
    expect(await runCli(['events', 'show', 'stripe', id, '--data-dir', dir], show)).toBe(0);

    expect(list.stdout.find((l) => l.includes(id))).toMatch(/ processing \(stale\) /);
    expect(list.stdout).toContain('1 of 1 shown; 1 processing (1 stale).');
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject([
      { eventId: id, status: 'processing', stale: true, staleReason: STALE_PROCESSING_REASON },
    ]);
    expect(show.stdout).toEqual(
      expect.arrayContaining(['status       processing (stale)', `stale reason ${STALE_PROCESSING_REASON}`]),
    );
    expect(t.publishedFor(id)).toHaveLength(1);
    expect(t.stack.queues.get('stripe')!.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });
});
