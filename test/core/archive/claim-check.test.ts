/**
 * The claim check through ingest(): a JSON body too large for an SQS message is stored in the archive before the
 * request is acknowledged and the message carries its key; with no archive, or a failed store, it is refused without
 * anything queued, the record given back.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../../lambdas/core/inbound/ingest';
import { parseArchiveContext } from '../../../lambdas/core/archive/context';
import { parseEnvelope } from '../../../lambdas/core/inbound/envelope';
import { PAYLOAD_LIMITS } from '../../../lambdas/contract';
import { MemoryObjectStore } from '../../../local/object-store';
import { runtimeSource, signedWebhook, testDeps } from '../../helpers/webhook';

const big = (bytes: number) => JSON.stringify({ id: 'evt_big', type: 'invoice.paid', pad: 'x'.repeat(bytes) });

function setup() {
  const archive = new MemoryObjectStore();
  const t = testDeps([runtimeSource({ maxBodyBytes: 6_000_000 })]);
  return { ...t, archive, deps: { ...t.deps, archive } };
}

describe('the claim check', () => {
  it('stores a body over SQS’s 1 MiB in the archive before acknowledging, and queues its key instead', async () => {
    const { deps, sources, queue, archive, clock } = setup();
    const body = big(PAYLOAD_LIMITS.sqsMessageBytes);
    const outcome = await ingest(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock(), body }), deps);
    expect(outcome).toMatchObject({ status: 'accepted', id: 'evt_big' });
    const [sent] = queue.sent;
    expect(parseEnvelope(sent!.body)?.payload).toBeNull();
    const context = parseArchiveContext(sent!.attributes.archive);
    const sha = createHash('sha256').update(body).digest('hex');
    expect(context).toMatchObject({
      sha,
      n: Buffer.byteLength(body),
      ref: `payloads/source=stripe/day=2026-11-23/${sha}`,
    });
    expect(Buffer.from((await archive.get(context!.ref!))!).toString()).toBe(body);
  });

  it('keeps a body that fits in the message, storing nothing', async () => {
    const { deps, sources, queue, archive, clock } = setup();
    await ingest(sources.get('stripe'), signedWebhook('stripe', { nowMs: clock(), body: big(500_000) }), deps);
    expect(parseArchiveContext(queue.sent[0]!.attributes.archive)?.ref).toBeUndefined();
    expect(archive.objects.size).toBe(0);
  });

  it('answers 503 and gives the record back when the archive cannot take the body', async () => {
    const { deps, sources, queue, store, clock } = setup();
    const failing = {
      ...deps,
      archive: {
        bucket: 'b',
        put: () => Promise.reject(new Error('SlowDown')),
        get: async () => undefined,
        list: async () => [],
      },
    };
    const attempt = ingest(
      sources.get('stripe'),
      signedWebhook('stripe', { nowMs: clock(), body: big(PAYLOAD_LIMITS.sqsMessageBytes) }),
      failing,
    );
    await expect(attempt).rejects.toMatchObject({ statusCode: 503, dependency: 'archive' });
    expect(queue.sent).toHaveLength(0);
    expect(store.records.size).toBe(0);
  });

  it('answers 413 naming the queue’s limit for a body that cannot be claim-checked (no archive)', async () => {
    const { deps, sources, queue, clock } = setup();
    const { archive: _none, ...without } = deps;
    const attempt = ingest(
      sources.get('stripe'),
      signedWebhook('stripe', { nowMs: clock(), body: big(PAYLOAD_LIMITS.sqsMessageBytes) }),
      without,
    );
    await expect(attempt).rejects.toMatchObject({ statusCode: 413, limitBytes: PAYLOAD_LIMITS.sqsMessageBytes });
    expect(queue.sent).toHaveLength(0);
  });
});
