import { describe, expect, it } from 'vitest';
import { deliver, type DeliverDeps, type DeliveryJob } from '../../../../lambdas/core/outbound/delivery/attempt';
import { runBatch } from '../../../../lambdas/core/outbound/delivery/batch';
import { truncateUtf8 } from '../../../../lambdas/core/outbound/delivery/response';
import { createTransformer } from '../../../../lambdas/core/outbound/delivery/transform';
import { ssrfPolicy } from '../../../../lambdas/core/outbound/delivery/ssrf';
import type { HttpSender, OutboundRequest, SendResult } from '../../../../lambdas/core/outbound/ports';
import { schemes } from '../../../../lambdas/core/signatures/index';
import { deliveryIdFor } from '../../../../lambdas/core/outbound/intake/fanout';
import {
  delivery,
  deliveryFixture,
  ENDPOINT_ID,
  fakeCipher,
  NOW,
  ok,
  PAYLOAD,
  PREVIOUS_SECRET,
  RECEIVER_HOST,
  SECRET,
  TENANT,
} from '../../../helpers/outbound';

function verifyStandard(request: OutboundRequest, secret: string) {
  return schemes['standard-webhooks'].verify({
    body: request.body,
    headers: request.headers,
    secrets: [secret],
    nowSeconds: NOW / 1000,
    options: {},
  });
}

describe('deliver()', () => {
  it('sends a signed POST body in the Standard Webhooks shape and records a delivered attempt', async () => {
    const { job, deps, sender, deliveries } = deliveryFixture();

    const result = await deliver(job, deps);

    expect(result).toMatchObject({ outcome: 'delivered' });
    const request = sender.requests[0]!;
    expect(request.url).toBe(`https://${RECEIVER_HOST}/hooks`);
    expect(Buffer.from(request.body).toString()).toBe(
      `{"type":"invoice.paid","timestamp":"${new Date(NOW - 500).toISOString()}","data":${PAYLOAD}}`,
    );
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-tenant-token': 'tok_receiver_auth',
      'webhook-id': 'msg_1',
    });
    expect(verifyStandard(request, SECRET)).toMatchObject({ valid: true });
    expect(request.timeoutMs).toBe(15_000);
    expect(deliveries.attempts).toEqual([
      {
        tenantId: TENANT,
        deliveryId: job.delivery.deliveryId,
        endpointId: ENDPOINT_ID,
        messageId: 'msg_1',
        number: 1,
        at: NOW,
        latencyMs: 42,
        status: 200,
      },
    ]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({
      status: 'delivered',
      attemptCount: 1,
      nextAttemptAt: undefined,
    });
  });

  it('never records or logs a request header, the secret or the payload', async () => {
    const { job, deps, sender, deliveries, log } = deliveryFixture({ script: [ok(500, 'server error')] });

    await deliver(job, deps);

    const stored = JSON.stringify([deliveries.attempts, [...deliveries.deliveries.values()], log.lines]);
    const signature = sender.requests[0]!.headers['webhook-signature']!;
    for (const secretish of [
      signature,
      signature.slice(3),
      SECRET,
      'tok_receiver_auth',
      'in_1',
      '12345678901234567890',
    ]) {
      expect(stored).not.toContain(secretish);
    }
  });

  it("schedules a retry after a 500 and keeps the receiver's answer", async () => {
    const { job, deps, deliveries } = deliveryFixture({ script: [ok(500, 'boom')] });

    const result = await deliver(job, deps);

    expect(result).toMatchObject({ outcome: 'failed', nextAttemptAt: NOW + 5000 });
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({
      status: 'failed',
      attemptCount: 1,
      nextAttemptAt: NOW + 5000,
    });
    expect(deliveries.attempts[0]).toMatchObject({ status: 500, responseBody: 'boom' });
  });

  it('exhausts the delivery when the last scheduled attempt fails', async () => {
    const { job, deps, deliveries } = deliveryFixture({
      script: [ok(500)],
      delivery: { status: 'failed', attemptCount: 9 },
    });

    expect(await deliver(job, deps)).toMatchObject({ outcome: 'exhausted' });
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({ status: 'exhausted', attemptCount: 10 });
  });

  it('exhausts the delivery and disables the endpoint on 410 Gone', async () => {
    const { job, deps, endpoints } = deliveryFixture({ script: [ok(410, 'gone')] });

    expect(await deliver(job, deps)).toMatchObject({ outcome: 'exhausted' });
    expect(endpoints.endpoints[0]).toMatchObject({ enabled: false, disabledReason: '410 Gone' });
  });

  it('records a blocked attempt, without signing or sending, when the host now resolves to a private address', async () => {
    const { job, deps, sender, deliveries } = deliveryFixture({ names: { [RECEIVER_HOST]: ['10.0.0.7'] } });

    const result = await deliver(job, deps);

    expect(result).toMatchObject({ outcome: 'failed' });
    expect(sender.requests).toEqual([]);
    expect(deliveries.attempts[0]).toMatchObject({
      error: 'blocked',
      latencyMs: 0,
      errorDetail: expect.stringContaining('10.0.0.7'),
    });
  });

  it('sends to a private address inside an allowed subnet', async () => {
    const { job, deps, sender } = deliveryFixture({ names: { [RECEIVER_HOST]: ['10.0.0.7'] } });

    await deliver(job, { ...deps, ssrf: ssrfPolicy(['10.0.0.0/24']) });

    expect(sender.requests).toHaveLength(1);
  });

  it('records a dns attempt when the host does not resolve', async () => {
    const { job, deps, sender, deliveries } = deliveryFixture({ names: {} });

    await deliver(job, deps);

    expect(sender.requests).toEqual([]);
    expect(deliveries.attempts[0]).toMatchObject({ error: 'dns' });
  });

  it("records the sender's error kind", async () => {
    const { job, deps, deliveries } = deliveryFixture({
      script: [{ kind: 'error', error: 'timeout', detail: 'no response within 15000 ms', latencyMs: 15_001 }],
    });

    await deliver(job, deps);

    expect(deliveries.attempts[0]).toMatchObject({ error: 'timeout', latencyMs: 15_001 });
  });

  it('skips a disabled endpoint without an attempt', async () => {
    const { job, deps, sender, deliveries } = deliveryFixture({ endpoint: { enabled: false } });

    expect(await deliver(job, deps)).toEqual({
      deliveryId: job.delivery.deliveryId,
      outcome: 'skipped',
      reason: 'endpoint_disabled',
    });
    expect(sender.requests).toEqual([]);
    expect(deliveries.attempts).toEqual([]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({
      status: 'skipped',
      skipReason: 'endpoint_disabled',
    });
  });

  it('sends what the transform returns', async () => {
    const { job, deps, sender } = deliveryFixture();
    const transform = createTransformer([
      {
        tenant: TENANT,
        endpoint: '*',
        type: 'invoice.*',
        transform: ({ message }) => JSON.stringify({ kind: message.type }),
      },
    ]);

    await deliver(job, { ...deps, transform });

    expect(Buffer.from(sender.requests[0]!.body).toString()).toBe('{"kind":"invoice.paid"}');
  });

  it('skips the delivery when the transform returns undefined', async () => {
    const { job, deps, sender, deliveries } = deliveryFixture();
    const transform = createTransformer([
      { tenant: '*', endpoint: ENDPOINT_ID, type: '*', transform: () => undefined },
    ]);

    expect(await deliver(job, { ...deps, transform })).toMatchObject({ outcome: 'skipped', reason: 'transform' });
    expect(sender.requests).toEqual([]);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({
      status: 'skipped',
      skipReason: 'transform',
    });
  });

  it.each(['delivered', 'exhausted', 'skipped'] as const)(
    'does nothing for a delivery already %s (a redelivered queue message)',
    async (status) => {
      const { job, deps, sender, deliveries } = deliveryFixture({ delivery: { status } });

      expect(await deliver(job, deps)).toMatchObject({ outcome: 'already_final' });
      expect(sender.requests).toEqual([]);
      expect(deliveries.attempts).toEqual([]);
    },
  );

  it('does nothing for a delivery whose next attempt is not due yet (a stale wake-up)', async () => {
    const { job, deps, sender, deliveries } = deliveryFixture({
      delivery: { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 300_000 },
    });

    expect(await deliver(job, deps)).toMatchObject({ outcome: 'not_due' });
    expect(sender.requests).toEqual([]);
    expect(deliveries.attempts).toEqual([]);
  });

  it('sends a wake-up that arrives within a second of its due time', async () => {
    const { job, deps, sender } = deliveryFixture({
      delivery: { status: 'failed', attemptCount: 1, nextAttemptAt: NOW + 1000 },
    });

    expect(await deliver(job, deps)).toMatchObject({ outcome: 'delivered' });
    expect(sender.requests).toHaveLength(1);
  });

  it('sends and records nothing when another worker claimed this attempt first', async () => {
    const { job, deps, deliveries, sender } = deliveryFixture();
    deliveries.deliveries.get(job.delivery.deliveryId)!.attemptCount = 1;

    expect(await deliver(job, deps)).toMatchObject({ outcome: 'lost_race' });
    expect(sender.requests).toEqual([]);
    expect(deliveries.attempts).toEqual([]);
  });

  it("keeps no 2xx response body, only a failure's", async () => {
    const { job, deps, deliveries, advance } = deliveryFixture({ script: [ok(503, 'busy'), ok(200, 'thanks')] });

    await deliver(job, deps);
    advance(5000);
    await deliver({ ...job, delivery: { ...deliveries.deliveries.get(job.delivery.deliveryId)! } }, deps);

    expect(deliveries.attempts.map((a) => [a.status, a.responseBody])).toEqual([
      [503, 'busy'],
      [200, undefined],
    ]);
  });

  it("keeps at most 4 KiB of a failure's response body, cut between characters", async () => {
    const { job, deps, deliveries } = deliveryFixture({ script: [ok(500, 'é'.repeat(3000))] });

    await deliver(job, deps);

    const body = deliveries.attempts[0]!.responseBody!;
    expect(Buffer.byteLength(body)).toBe(4096);
    expect(body).toBe('é'.repeat(2048));
    expect(deliveries.attempts[0]!.responseBodyTruncated).toBe(true);
  });

  it('during a rotation, signs with both secrets; each verifies alone', async () => {
    const previous = {
      ciphertext: await fakeCipher.encrypt(PREVIOUS_SECRET, { tenantId: TENANT, endpointId: ENDPOINT_ID }),
      expiresAt: NOW + 1000,
    };
    const { job, deps, sender } = deliveryFixture({
      endpoint: {
        secrets: { current: await fakeCipher.encrypt(SECRET, { tenantId: TENANT, endpointId: ENDPOINT_ID }), previous },
      },
    });

    await deliver(job, deps);

    expect(sender.requests[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect([
      verifyStandard(sender.requests[0]!, SECRET).valid,
      verifyStandard(sender.requests[0]!, PREVIOUS_SECRET).valid,
    ]).toEqual([true, true]);
  });

  it('lets no stored header replace a signature header', async () => {
    const { job, deps, sender } = deliveryFixture({
      endpoint: { headers: { 'webhook-signature': 'v1,forged', 'webhook-id': 'other' } },
    });

    await deliver(job, deps);

    expect(sender.requests[0]!.headers['webhook-id']).toBe('msg_1');
    expect(verifyStandard(sender.requests[0]!, SECRET)).toMatchObject({ valid: true });
  });

  it('sends the same webhook-id on a retry', async () => {
    const { job, deps, sender, deliveries, advance } = deliveryFixture({ script: [ok(500), ok(200)] });
    await deliver(job, deps);
    advance(5000);

    await deliver({ ...job, delivery: { ...deliveries.deliveries.get(job.delivery.deliveryId)! } }, deps);

    expect(sender.requests.map((r) => r.headers['webhook-id'])).toEqual(['msg_1', 'msg_1']);
    expect(deliveries.deliveries.get(job.delivery.deliveryId)).toMatchObject({ status: 'delivered', attemptCount: 2 });
  });
});

const deliverBatch = (jobs: readonly DeliveryJob[], deps: DeliverDeps) => runBatch(jobs, deps, deliver);

describe('a batch of delivery steps', () => {
  function twoJobs(job: DeliveryJob): DeliveryJob[] {
    const second = delivery({ deliveryId: deliveryIdFor(TENANT, 'msg_1', 'ep_2'), endpointId: 'ep_2' });
    return [job, { ...job, delivery: second, endpoint: { ...job.endpoint, endpointId: 'ep_2' } }];
  }

  it('sends the deliveries of a batch concurrently', async () => {
    const { job, deps, deliveries } = deliveryFixture();
    const jobs = twoJobs(job);
    deliveries.deliveries.set(jobs[1]!.delivery.deliveryId, { ...jobs[1]!.delivery });
    let release!: () => void;
    const bothInFlight = new Promise<void>((resolve) => (release = resolve));
    let inFlight = 0;
    const sender: HttpSender = {
      async send(): Promise<SendResult> {
        if (++inFlight === 2) release();
        await Promise.race([
          bothInFlight,
          new Promise((_, reject) => setTimeout(() => reject(new Error('sent one at a time')), 1000)),
        ]);
        return ok();
      },
    };
    const fixture = {
      ...deps,
      sender,
      cipher: {
        ...fakeCipher,
        decrypt: (c: string) => fakeCipher.decrypt(c, { tenantId: TENANT, endpointId: ENDPOINT_ID }),
      },
    };

    const result = await deliverBatch(jobs, fixture);

    expect(result.failed).toEqual([]);
    expect(result.results.map((r) => r.outcome)).toEqual(['delivered', 'delivered']);
  });

  it('reports only the item whose step threw, and still delivers the others', async () => {
    const { job, deps, deliveries, sender } = deliveryFixture();
    const jobs = twoJobs(job);
    deliveries.deliveries.set(jobs[1]!.delivery.deliveryId, { ...jobs[1]!.delivery });
    const broken = {
      ...deps,
      deliveries: Object.assign(Object.create(deliveries) as typeof deliveries, {
        recordAttempt: (
          a: Parameters<typeof deliveries.recordAttempt>[0],
          u: Parameters<typeof deliveries.recordAttempt>[1],
          token: string,
        ) =>
          a.endpointId === 'ep_2'
            ? Promise.reject(new Error('ProvisionedThroughputExceededException'))
            : deliveries.recordAttempt(a, u, token),
      }),
    };
    const cipher = {
      ...fakeCipher,
      decrypt: (c: string) => fakeCipher.decrypt(c, { tenantId: TENANT, endpointId: ENDPOINT_ID }),
    };

    const result = await deliverBatch(jobs, { ...broken, cipher });

    expect(result.failed).toEqual([jobs[1]!.delivery.deliveryId]);
    expect(result.results).toMatchObject([{ deliveryId: job.delivery.deliveryId, outcome: 'delivered' }]);
    expect(sender.requests).toHaveLength(2);
  });
});

describe('a batch of delivery steps logs', () => {
  it("name a step's error by its name only: a transform's JSON.parse error quoting the payload is not logged", async () => {
    const { job, deps, log } = deliveryFixture();
    const transform = () => JSON.parse('card 4242 4242 4242 4242') as string; // "Unexpected token 'c', "card 4242 "... is not valid JSON"

    const result = await deliverBatch([job], { ...deps, transform });

    expect(result.failed).toEqual([job.delivery.deliveryId]);
    const line = log.lines.find((l) => l.message === 'delivery step failed; it will be retried');
    expect(line?.extra).toEqual([
      {
        deliveryId: job.delivery.deliveryId,
        messageId: job.delivery.messageId,
        tenantId: TENANT,
        error: { name: 'SyntaxError' },
      },
    ]);
    expect(JSON.stringify(log.lines)).not.toContain('4242');
  });
});

describe('truncateUtf8()', () => {
  it('leaves short text alone', () => {
    expect(truncateUtf8('abc', 4)).toEqual({ text: 'abc', truncated: false });
  });

  it('never splits a multi-byte character', () => {
    expect(truncateUtf8('a€b', 3)).toEqual({ text: 'a', truncated: true });
  });
});
