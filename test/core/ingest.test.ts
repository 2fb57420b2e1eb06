import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ingest, type IngestOutcome } from '../../lambdas/core/inbound/ingest';
import { WebhookError } from '../../lambdas/core/kernel/errors';
import { parseEnvelope } from '../../lambdas/core/inbound/envelope';
import { silentLog } from '../../lambdas/core/kernel/log';
import { QUEUE_URL, SECRET, runtimeSource, signedWebhook, testDeps, STRIPE_EVENT } from '../helpers/webhook';

async function rejection(promise: Promise<unknown>): Promise<WebhookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookError);
  return error as WebhookError;
}

/** ingest() for an ordinary event: its outcome, never a handshake answer. */
async function ingestEvent(
  ...args: Parameters<typeof ingest>
): Promise<Exclude<IngestOutcome, { status: 'handshake' }>> {
  const outcome = await ingest(...args);
  if (outcome.status === 'handshake') throw new Error('unexpected handshake');
  return outcome;
}

describe('ingest()', () => {
  it('accepts a validly signed event: one record, one message carrying the exact payload', async () => {
    const { deps, sources, store, queue, clock } = testDeps();

    const outcome = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);

    expect(outcome).toEqual({ status: 'accepted', id: 'evt_1', acknowledge: 'status' });
    expect(store.records.get('stripe#evt_1')).toMatchObject({ status: 'enqueued', type: 'invoice.paid', attempts: 0 });
    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]!.queueUrl).toBe(QUEUE_URL);
    const { archive, ...attributes } = queue.sent[0]!.attributes;
    expect(attributes).toEqual({ source: 'stripe', type: 'invoice.paid', eventId: 'evt_1' });
    // The archive's context: the signature header kept (so a replay can verify again), the body not repeated.
    expect(JSON.parse(archive!)).toEqual({
      h: expect.objectContaining({ 'stripe-signature': expect.stringMatching(/^t=\d+,v1=/) }),
      u: expect.stringMatching(/^https:\/\//),
      s: 0,
      sha: createHash('sha256').update(STRIPE_EVENT).digest('hex'),
      n: Buffer.byteLength(STRIPE_EVENT),
    });
    const envelope = parseEnvelope(queue.sent[0]!.body);
    expect(envelope).toMatchObject({
      id: 'evt_1',
      source: 'stripe',
      type: 'invoice.paid',
      receivedAt: new Date(clock()).toISOString(),
    });
    expect(envelope!.payload).toEqual(JSON.parse(STRIPE_EVENT));
  });

  it('keeps the payload text byte for byte, so large numbers lose no precision', async () => {
    const { deps, sources, queue, clock } = testDeps();
    const body = '{"id":"evt_big","type":"t","amount":12345678901234567890}';

    await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock(), body }), deps);

    expect(queue.sent[0]!.body).toContain('"payload":{"id":"evt_big","type":"t","amount":12345678901234567890}');
  });

  it('forwards id and type headers into the envelope but never signature headers', async () => {
    const { deps, sources, queue, clock } = testDeps([runtimeSource({ id: 'gh', scheme: 'github' })]);
    const webhook = signedWebhook('github', {
      nowMs: clock(),
      body: '{"zen":"hi"}',
      headers: { 'x-github-delivery': 'd-1', 'x-github-event': 'push' },
    });

    const outcome = await ingestEvent(sources.get('gh'), webhook, deps);

    expect(outcome).toEqual({ status: 'accepted', id: 'd-1', acknowledge: 'status' });
    const envelope = parseEnvelope(queue.sent[0]!.body)!;
    expect(envelope.type).toBe('push');
    expect(envelope.headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'test-sender/1.0',
      'x-github-delivery': 'd-1',
      'x-github-event': 'push',
    });
  });

  it('falls back to a SHA-256 of source and body when the provider sends no id, so identical bytes deduplicate', async () => {
    const { deps, sources, queue, clock } = testDeps();
    const body = '{"type":"no.id.here"}';

    const first = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock(), body }), deps);
    const second = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock(), body }), deps);

    expect(first.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second).toEqual({ status: 'duplicate', id: first.id, acknowledge: 'status' });
    expect(queue.sent).toHaveLength(1);
  });

  describe('an unusable provider id (too long, control characters, beyond 2^53)', () => {
    /** A Log that records warn lines with their fields. */
    function recordingLog() {
      const warnings: Array<{ message: string; fields: Record<string, unknown> }> = [];
      const log = {
        ...silentLog,
        warn: (message: string, ...extra: Array<Record<string, unknown>>) =>
          warnings.push({ message, fields: Object.assign({}, ...extra) as Record<string, unknown> }),
      };
      return { log, warnings };
    }

    it.each([
      ['too long', 'x'.repeat(201), 'too_long'],
      ['with a control character', 'evt_\u0007bell', 'control_characters'],
    ])(
      'an id %s becomes a body hash with a warning naming the source and the body path, never the value',
      async (_what, badId, reason) => {
        const { deps, sources, clock } = testDeps();
        const { log, warnings } = recordingLog();
        const body = JSON.stringify({ id: badId, type: 'invoice.paid' });

        const outcome = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock(), body }), {
          ...deps,
          log,
        });

        expect(outcome.id).toMatch(/^sha256:/);
        expect(warnings).toEqual([
          {
            message: 'event id unusable; deduplicating on a hash of the body instead',
            fields: { source: 'stripe', bodyPath: 'id', reason },
          },
        ]);
        expect(JSON.stringify(warnings)).not.toContain(badId);
      },
    );

    it('names the header for a header id, and an integer id beyond 2^53', async () => {
      const gh = testDeps([runtimeSource({ id: 'gh', scheme: 'github' })]);
      const ghLog = recordingLog();
      const st = testDeps();
      const stLog = recordingLog();
      const headers = { 'x-github-delivery': 'd'.repeat(300), 'x-github-event': 'push' };

      await ingest(
        gh.sources.get('gh'),
        signedWebhook('github', { nowMs: gh.clock(), body: '{"zen":"hi"}', headers }),
        { ...gh.deps, log: ghLog.log },
      );
      await ingest(
        st.sources.get('stripe'),
        signedWebhook('stripe', { nowMs: st.clock(), body: '{"id":12345678901234567890,"type":"t"}' }),
        { ...st.deps, log: stLog.log },
      );

      expect(ghLog.warnings.map((w) => w.fields)).toEqual([
        { source: 'gh', header: 'x-github-delivery', reason: 'too_long' },
      ]);
      expect(stLog.warnings.map((w) => w.fields)).toEqual([
        { source: 'stripe', bodyPath: 'id', reason: 'unsafe_integer' },
      ]);
    });

    it('logs nothing for a usable id or no id at all', async () => {
      const { deps, sources, clock } = testDeps();
      const { log, warnings } = recordingLog();

      await ingest(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), { ...deps, log });
      await ingest(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock(), body: '{"type":"no.id"}' }), {
        ...deps,
        log,
      });

      expect(warnings).toEqual([]);
    });
  });

  it('regression: two events whose numeric ids differ beyond 2^53 are both accepted, not deduplicated', async () => {
    const { deps, sources, queue, clock } = testDeps();

    const a = await ingestEvent(
      sources.get('stripe'),
      signedWebhook('stripe', { nowMs: clock(), body: '{"id":820982911946154508,"type":"t"}' }),
      deps,
    );
    const b = await ingestEvent(
      sources.get('stripe'),
      signedWebhook('stripe', { nowMs: clock(), body: '{"id":820982911946154509,"type":"t"}' }),
      deps,
    );

    expect([a.status, b.status]).toEqual(['accepted', 'accepted']);
    expect(a.id).not.toBe(b.id);
    expect(queue.sent).toHaveLength(2);
  });

  it('accepts a signature made with the previous secret during rotation', async () => {
    const { deps, sources, secrets, clock } = testDeps();
    Object.assign(secrets, { secrets: { [runtimeSource().secretId]: ['whsec_new', SECRET] } });

    const outcome = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);

    expect(outcome.status).toBe('accepted');
  });

  it('answers a duplicate of an enqueued event with `duplicate` and no second enqueue', async () => {
    const { deps, sources, queue, clock } = testDeps();
    await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);
    clock.advance(60_000);

    const outcome = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);

    expect(outcome).toEqual({ status: 'duplicate', id: 'evt_1', acknowledge: 'status' });
    expect(queue.sent).toHaveLength(1);
  });

  it('answers 409 with Retry-After while the first attempt still holds its lease', async () => {
    const { deps, sources, store, queue, clock } = testDeps();
    // The first attempt recorded the event and has not enqueued yet (or died just after the put).
    await store.tryReceive(
      {
        source: 'stripe',
        eventId: 'evt_1',
        status: 'received',
        type: 'invoice.paid',
        receivedAt: clock(),
        leaseUntil: clock() + 30_000,
        leaseToken: 'other',
        attempts: 1,
        expiresAt: 0,
      },
      clock(),
    );
    clock.advance(10_000);

    const error = await rejection(
      ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps),
    );

    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('event_in_flight');
    expect(error.headers).toEqual({ 'retry-after': '20' });
    expect(queue.sent).toHaveLength(0);
  });

  it('lets the provider retry in once a crashed attempt’s lease has lapsed', async () => {
    const { deps, sources, store, queue, clock } = testDeps();
    await store.tryReceive(
      {
        source: 'stripe',
        eventId: 'evt_1',
        status: 'received',
        type: 'invoice.paid',
        receivedAt: clock(),
        leaseUntil: clock() + 30_000,
        leaseToken: 'dead',
        attempts: 1,
        expiresAt: 0,
      },
      clock(),
    );
    clock.advance(31_000);

    const outcome = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);

    expect(outcome.status).toBe('accepted');
    expect(queue.sent).toHaveLength(1);
    expect(store.records.get('stripe#evt_1')!.status).toBe('enqueued');
  });

  it('answers 503 and enqueues nothing when the event store is throttled', async () => {
    const { deps, sources, store, queue, clock } = testDeps();
    store.failNext('tryReceive');

    const error = await rejection(
      ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps),
    );

    expect(error.statusCode).toBe(503);
    expect(error.code).toBe('temporarily_unavailable');
    expect(queue.sent).toHaveLength(0);
    expect(store.records.size).toBe(0);
  });

  it('releases the record and answers 503 when the enqueue fails, so the retry gets straight in', async () => {
    const { deps, sources, store, queue, clock } = testDeps();
    queue.failNext();

    const error = await rejection(
      ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps),
    );
    expect(error.statusCode).toBe(503);
    expect(store.records.size).toBe(0);

    const retry = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);
    expect(retry.status).toBe('accepted');
    expect(queue.sent).toHaveLength(1);
  });

  it('when both the enqueue and the release fail, the retry waits for the lease and then succeeds', async () => {
    const { deps, sources, store, queue, clock } = testDeps();
    queue.failNext();
    store.failNext('release');
    await rejection(ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps));

    const early = await rejection(
      ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps),
    );
    expect(early.statusCode).toBe(409);

    clock.advance(30_001);
    const late = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);
    expect(late.status).toBe('accepted');
    expect(queue.sent).toHaveLength(1);
  });

  it('still accepts when recording `enqueued` fails after the message is safely queued', async () => {
    const { deps, sources, store, queue, clock } = testDeps();
    store.failNext('markEnqueued');

    const outcome = await ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps);

    expect(outcome.status).toBe('accepted');
    expect(queue.sent).toHaveLength(1);
    expect(store.records.get('stripe#evt_1')!.status).toBe('received');
  });

  it('answers 503 when the signing secrets cannot be read', async () => {
    const { deps, sources, secrets, store, clock } = testDeps();
    secrets.failing = true;

    const error = await rejection(
      ingestEvent(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock() }), deps),
    );

    expect(error.statusCode).toBe(503);
    expect(store.records.size).toBe(0);
  });

  describe('rejects bad input with a 4xx and changes nothing', () => {
    const cases: Array<{
      name: string;
      status: number;
      code: string;
      build: (nowMs: number) => ReturnType<typeof signedWebhook>;
      source?: string;
    }> = [
      {
        name: 'unknown source',
        status: 404,
        code: 'unknown_source',
        source: 'nope',
        build: (now) => signedWebhook('stripe', { nowMs: now }),
      },
      {
        name: 'tampered body',
        status: 401,
        code: 'invalid_signature',
        build: (now) => ({
          ...signedWebhook('stripe', { nowMs: now }),
          body: Buffer.from(STRIPE_EVENT.replace('1234', '9999')),
        }),
      },
      {
        name: 'wrong secret',
        status: 401,
        code: 'invalid_signature',
        build: (now) => signedWebhook('stripe', { nowMs: now, secret: 'whsec_wrong' }),
      },
      {
        name: 'missing signature header',
        status: 401,
        code: 'invalid_signature',
        build: (now) => signedWebhook('stripe', { nowMs: now, headers: { 'stripe-signature': '' } }),
      },
      {
        name: 'stale timestamp',
        status: 401,
        code: 'stale_timestamp',
        build: (now) => signedWebhook('stripe', { nowMs: now - 3_600_000 }),
      },
      {
        name: 'body over the limit',
        status: 413,
        code: 'payload_too_large',
        build: (now) => signedWebhook('stripe', { nowMs: now, body: `{"id":"x","pad":"${'a'.repeat(210 * 1024)}"}` }),
      },
      {
        name: 'source IP outside the allowlist',
        status: 403,
        code: 'forbidden_source_ip',
        source: 'fenced',
        build: (now) => signedWebhook('stripe', { nowMs: now, sourceIp: '198.51.100.7' }),
      },
      {
        name: 'wrong content type',
        status: 415,
        code: 'unsupported_content_type',
        build: (now) => signedWebhook('stripe', { nowMs: now, contentType: 'text/plain' }),
      },
      {
        name: 'invalid JSON after a valid signature',
        status: 400,
        code: 'invalid_body',
        build: (now) => signedWebhook('stripe', { nowMs: now, body: '{"id":' }),
      },
      {
        name: 'non-UTF-8 bytes after a valid signature',
        status: 400,
        code: 'invalid_body',
        build: (now) => signedWebhook('stripe', { nowMs: now, body: Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]) }),
      },
    ];

    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.code}`, async () => {
        const { deps, sources, store, queue, clock } = testDeps([
          runtimeSource(),
          runtimeSource({ id: 'fenced', allowedCidrs: ['203.0.113.0/24'] }),
        ]);

        const error = await rejection(ingestEvent(sources.get(c.source ?? 'stripe'), c.build(clock()), deps));

        expect(error.statusCode).toBe(c.status);
        expect(error.code).toBe(c.code);
        expect(store.records.size).toBe(0);
        expect(queue.sent).toHaveLength(0);
      });
    }
  });

  it('accepts a source IP inside the allowlist', async () => {
    const { deps, sources, clock } = testDeps([runtimeSource({ id: 'fenced', allowedCidrs: ['203.0.113.0/24'] })]);

    const outcome = await ingestEvent(
      sources.get('fenced'),
      signedWebhook('stripe', { nowMs: clock(), sourceIp: '203.0.113.99' }),
      deps,
    );

    expect(outcome.status).toBe('accepted');
  });
});
