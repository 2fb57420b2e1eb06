/**
 * `status` against the local stack, as the "done when" reads: send a few events (one accepted twice, one
 * with a bad signature), make one dead-letter, and one screen shows it all: the source's counts and rejection
 * reason, its dead letter, and the dead-letter alarm firing; the start banner says dead letters are waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { deadLetterLine } from '../../local/banner';
import type { StatusReport } from '../../local/status';
import { captureIo } from '../helpers/cli-io';
import {
  localSource,
  post,
  registerAsRunning,
  signedRequest,
  startTestStack,
  waitFor,
  type TestStack,
} from '../e2e/helpers';

let dir: string;
let t: TestStack;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'status-test-'));
  const base = localSource('stripe');
  t = await startTestStack({
    dataDir: dir,
    sources: [{ ...base, source: { ...base.source, maxReceiveCount: 2 } }, localSource('github')],
    timing: { processorTimeoutMs: 400, processorLeaseMs: 500, visibilityTimeoutMs: 600 },
  });
  registerAsRunning(dir, t.stack);

  const good = signedRequest(t.stack.url, 'stripe');
  expect((await post(good)).status).toBe(202);
  expect((await post(good)).status).toBe(200);
  expect((await post(signedRequest(t.stack.url, 'stripe', { secret: 'whsec_not-the-secret' }))).status).toBe(401);
  expect((await post(signedRequest(t.stack.url, 'github'))).status).toBe(202);
  await t.stack.idle();
  // One dead letter: every publish fails until the message has been received twice.
  t.stack.faults.topic.failNext('publishBatch', { times: 2 });
  expect((await post(signedRequest(t.stack.url, 'stripe'))).status).toBe(202);
  await waitFor('the dead letter', () => (t.stack.queues.get('stripe')!.stats().deadLetters === 1 ? true : undefined));
}, 60_000);
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('status (local)', () => {
  it('reports each source, its rejection by reason, its dead letter and the dead-letter alarm firing, as JSON', async () => {
    const io = captureIo();
    expect(await runCli(['status', '--data-dir', dir, '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout[0]!) as StatusReport;

    expect(report.stack).toBe('local');
    expect(report.sources.find((s) => s.source === 'stripe')).toMatchObject({
      accepted: 2,
      duplicates: 1,
      rejected: 1,
      rejectedBy: { invalid_signature: 1 },
      published: 1,
      failures: 2,
      deadLetters: 1,
    });
    expect(report.sources.find((s) => s.source === 'github')).toMatchObject({
      accepted: 1,
      published: 1,
      deadLetters: 0,
    });
    expect(report.queues.map((q) => q.queue)).toEqual(['outbound:intake', 'outbound:deliveries', 'outbound:relay']);
    expect(report.outbound).toMatchObject({ endpoints: { total: 0, disabled: [], openCircuits: [] } });
    expect(report.alarms).toEqual([{ alarm: 'stripe dead letters', reason: '1 in the dead-letter queue' }]);
  });

  it('prints it on one screen: the source table, the reasons, outbound and the alarm', async () => {
    const io = captureIo();
    expect(await runCli(['status', '--data-dir', dir], io)).toBe(0);
    const text = io.stdout.join('\n');

    expect(io.stdout[0]).toMatch(/^local {2}\d{4}-\d\d-\d\dT.*\(counts over the last 60 minutes\)$/);
    expect(text).toMatch(
      /SOURCE\s+PER MINUTE\s+ACCEPTED\s+DUPLICATES\s+REJECTED\s+PUBLISHED\s+FAILURES\s+WAITING\s+IN FLIGHT\s+DEAD LETTERS/,
    );
    expect(text).toMatch(/^stripe\s+[\d.]+\s+2\s+1\s+1\s+1\s+2\s+0\s+0\s+1$/m);
    expect(text).toContain('  stripe rejected: invalid_signature 1');
    expect(text).toContain('Outbound endpoints  0 (0 enabled, 0 disabled, 0 open circuits)');
    expect(text).toMatch(/Alarms firing \(1\)\n {2}stripe dead letters {2}1 in the dead-letter queue/);
    expect(io.stdout.length).toBeLessThan(40);
  });

  it('names a disabled endpoint, with its tenant, URL and reason', async () => {
    const added = captureIo();
    expect(
      await runCli(
        [
          'endpoints',
          'add',
          '--tenant',
          'acme',
          '--endpoint-url',
          'http://127.0.0.1:9/hooks',
          '--data-dir',
          dir,
          '--json',
        ],
        added,
      ),
    ).toBe(0);
    const { endpoint } = JSON.parse(added.stdout[0]!) as { endpoint: { endpointId: string } };
    expect(
      await runCli(['endpoints', 'disable', endpoint.endpointId, '--tenant', 'acme', '--data-dir', dir], captureIo()),
    ).toBe(0);

    const io = captureIo();
    expect(await runCli(['status', '--data-dir', dir], io)).toBe(0);

    expect(io.stdout).toContain('Outbound endpoints  1 (0 enabled, 1 disabled, 0 open circuits)');
    expect(io.stdout.find((l) => l.startsWith('  disabled'))).toMatch(
      new RegExp(`^ {2}disabled {6}acme/${endpoint.endpointId} {2}http://127.0.0.1:9/hooks`),
    );
  });

  it('the start banner says dead letters are waiting, and where', () => {
    expect(deadLetterLine(t.stack).join('\n')).toContain('1 message waiting (stripe 1)');
  });

  it('says how to start a stack when none is running', async () => {
    const io = captureIo();
    const empty = mkdtempSync(join(tmpdir(), 'status-none-'));
    expect(await runCli(['status', '--data-dir', empty], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/No local stack is running .*npm start/);
    rmSync(empty, { recursive: true, force: true });
  });
});
