/**
 * What the verifier counts per request (core/inbound/request-metrics.ts through the handler): accepted, duplicate
 * and handshake by source with the time taken, refusals by source and reason, the unknown source under one fixed
 * value (never the path), and one flush per invocation whatever the outcome.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { TENANT_SOURCES, UNKNOWN_SOURCE } from '../../lambdas/core/kernel/metrics';
import { createVerifierHandler } from '../../lambdas/verifier/create-handler';
import { recordingMetrics } from '../helpers/metrics';
import { apiGatewayEvent, runtimeSource, signedWebhook, testDeps } from '../helpers/webhook';

const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

function build() {
  const t = testDeps([runtimeSource(), runtimeSource({ id: 'slack', scheme: 'slack' })]);
  const metrics = recordingMetrics();
  const handler = createVerifierHandler({ ...t.deps, sources: t.sources, metrics });
  return { handler, metrics, t };
}

describe('verifier metrics', () => {
  it('counts an accepted event by source with its duration, and notes its id and the request id', async () => {
    const { handler, metrics, t } = build();

    await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: t.clock() })), context);

    expect(metrics.adds).toEqual([
      { metric: 'accepted', value: 1, dimensions: { Source: 'stripe' } },
      { metric: 'verifyDuration', value: 0, dimensions: { Source: 'stripe' } },
    ]);
    expect(metrics.notes).toEqual({ eventId: 'evt_1', requestId: 'req-1' });
    expect(metrics.flushes).toBe(1);
  });

  it('counts a second delivery of the same event as a duplicate', async () => {
    const { handler, metrics, t } = build();
    const event = apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: t.clock() }));

    await handler(event, context);
    await handler(event, context);

    expect(metrics.total('accepted')).toBe(1);
    expect(metrics.total('duplicates', { Source: 'stripe' })).toBe(1);
  });

  it('counts a bad signature as rejected by source and reason, and flushes although the request failed', async () => {
    const { handler, metrics, t } = build();

    const response = await handler(
      apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: t.clock(), secret: 'whsec_other' })),
      context,
    );

    expect(response.statusCode).toBe(401);
    expect(metrics.adds).toEqual([
      { metric: 'rejected', value: 1, dimensions: { Source: 'stripe', Reason: 'invalid_signature' } },
    ]);
    expect(metrics.flushes).toBe(1);
  });

  it('counts a request for a source nobody configured under one fixed source value, never the path', async () => {
    const { handler, metrics, t } = build();

    await handler(apiGatewayEvent('no-such-source', signedWebhook('stripe', { nowMs: t.clock() })), context);

    expect(metrics.adds).toEqual([
      { metric: 'rejected', value: 1, dimensions: { Source: UNKNOWN_SOURCE, Reason: 'unknown_source' } },
    ]);
  });

  it("counts a provider's URL check as a handshake, not an event", async () => {
    const { handler, metrics, t } = build();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-1' });

    await handler(apiGatewayEvent('slack', signedWebhook('slack', { nowMs: t.clock(), body })), context);

    expect(metrics.adds.map((a) => a.metric)).toEqual(['handshakes', 'verifyDuration']);
    expect(metrics.total('accepted')).toBe(0);
  });

  it('does not count a 5xx as a rejection (the API counts it; the sender retries)', async () => {
    const { handler, metrics, t } = build();
    t.store.failNext('tryReceive');

    const response = await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: t.clock() })), context);

    expect(response.statusCode).toBe(503);
    expect(metrics.adds).toEqual([]);
    expect(metrics.flushes).toBe(1);
  });

  it('counts every tenant source under one Source value, (tenant): a tenant is never a dimension', async () => {
    const t = testDeps([runtimeSource()]);
    const metrics = recordingMetrics();
    const tenantSource = { ...t.sources.get('stripe')!, id: 'acme.stripe', tenant: 'acme' };
    const handler = createVerifierHandler({
      ...t.deps,
      sources: t.sources,
      tenantSources: { resolve: async () => tenantSource },
      metrics,
    });
    const request = apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: t.clock() }));

    await handler({ ...request, pathParameters: { tenant: 'acme', source: 'stripe', token: 'x'.repeat(22) } }, context);

    expect(metrics.adds.map((a) => a.dimensions)).toEqual([{ Source: TENANT_SOURCES }, { Source: TENANT_SOURCES }]);
  });
});
