/**
 * The local outbound intake queue: `messages send --via-queue` puts the message on the local stack's intake queue
 * through the loopback-only `/_local/outbound/intake` route, and the same intake handler as deployed turns it into
 * a delivery that reaches the receiver, signed.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { createListener } from '../../cli/lib/listener';
import { captureIo } from '../helpers/cli-io';
import { startTestStack, waitFor, type TestStack } from '../e2e/helpers';

let t: TestStack;
let receiver: ReturnType<typeof createListener>;
let secret = '';

beforeEach(async () => {
  t = await startTestStack();
  receiver = createListener({ secret: () => secret, statuses: [200] });
  await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  await t.stop();
  await new Promise((r) => receiver.server.close(r));
});

describe('the local outbound intake queue', () => {
  it('messages send --via-queue is queued, taken by the intake handler and delivered to the receiver, payload byte for byte', async () => {
    const url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
    const add = captureIo();
    expect(
      await runCli(
        [
          'endpoints',
          'add',
          '--tenant',
          'acme',
          '--endpoint-url',
          url,
          '--events',
          'invoice.*',
          '--url',
          t.stack.url,
          '--json',
        ],
        add,
      ),
    ).toBe(0);
    secret = (JSON.parse(add.stdout[0]!) as { secret: string }).secret;
    const io = captureIo();

    const code = await runCli(
      [
        'messages',
        'send',
        '--via-queue',
        '--tenant',
        'acme',
        '--type',
        'invoice.paid',
        '--data',
        '{"amount":1.50}',
        '--id',
        'via-queue-1',
        '--url',
        t.stack.url,
      ],
      io,
    );

    expect([code, io.stderr]).toEqual([0, []]);
    expect(io.stdout[0]).toMatch(/^queued on outbound-intake as \S+$/);
    const [request] = await waitFor('the delivery to reach the receiver', () =>
      receiver.received.length > 0 ? receiver.received : undefined,
    );
    expect([request!.verified, request!.headers['webhook-id']]).toEqual([true, 'via-queue-1']);
    expect(request!.body).toContain('"data":{"amount":1.50}');
    // `npm run cli -- queues` lists it beside the source queues.
    const { queues } = (await (await fetch(`${t.stack.url}/_local/queues`)).json()) as {
      queues: Record<string, unknown>;
    };
    expect(queues['outbound:intake']).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('--via-queue refuses a URL that is not the local stack, naming what to use on AWS', async () => {
    const io = captureIo();

    const code = await runCli(
      [
        'messages',
        'send',
        '--via-queue',
        '--tenant',
        'acme',
        '--type',
        'invoice.paid',
        '--data',
        '{}',
        '--url',
        'https://abc123.execute-api.eu-west-1.amazonaws.com',
      ],
      io,
    );

    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toContain('OutboundIntakeQueueUrl');
  });
});
