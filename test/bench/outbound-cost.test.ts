import { describe, expect, it } from 'vitest';
import {
  apiDestinationsCost,
  itemBytes,
  kmsCallsPerMillion,
  OUTBOUND_ASSUMPTIONS,
  outboundCost,
  sampleItems,
  total,
  wru,
  writeUnits,
  type OutboundPrices,
} from '../../bench/cost/outbound';

const unit: OutboundPrices = {
  apiGatewayHttpRequest: 1,
  lambdaRequest: 0.2,
  lambdaArm64GbSecond: 0.0000133334,
  dynamoDbWriteRequestUnit: 0.625,
  dynamoDbReadRequestUnit: 0.125,
  sqsStandardRequest: 0.4,
  kmsRequest: 3,
  eventBridgeCustomEvent: 1,
  eventBridgeApiDestinationInvocation: 0.2,
};
const line = (lines: ReturnType<typeof outboundCost>, what: string) => lines.find((l) => l.what.startsWith(what))!.usd;

describe('outbound cost model', () => {
  it('measures items as DynamoDB does: names plus values', () => {
    expect(itemBytes({ ab: { S: 'xyz' }, n: { N: '1234' }, b: { BOOL: true } })).toBe(2 + 3 + 1 + 3 + 1 + 1);
  });

  it('a 1 KiB message makes a message item over 1 KB, so its writes cost two units each', () => {
    expect(sampleItems(1024).message).toBeGreaterThan(1024);
    expect(sampleItems(1024).message).toBeLessThan(2048);
  });

  it('counts an index entry for every index an item enters: message in byTenant, delivery in due, byTenant and byEndpoint, attempt in byEndpoint', () => {
    const s = sampleItems(1024);
    const w = writeUnits(1024, 0);

    expect(w.messagePut).toBe(2 * wru(s.message));
    expect(w.markFannedOut).toBe(2 * wru(s.message));
    expect(w.deliveryPut).toBe(3 * wru(s.delivery) + wru(s.dueEntry));
    expect(w.attemptItems).toBe(2 * wru(s.attempt));
  });

  it('a retried delivery moves its due entry (delete + put) and puts its previous attempt again', () => {
    const once = writeUnits(1024, 0);
    const all = writeUnits(1024, 1);

    const s = sampleItems(1024);
    // two updates (table, byTenant, byEndpoint each) and three due writes: moved after the failure, left after the success
    expect(all.attemptUpdate).toBe(2 * 3 * wru(s.deliveryWithAttempt) + 3 * wru(s.dueEntry));
    expect(all.attemptItems).toBe(3 * once.attemptItems); // attempts 1 and 2, and attempt 1 again
  });

  it('without the secret cache every attempt pays a Decrypt; with it, one per container, endpoint and TTL, never more than per attempt', () => {
    const a = { ...OUTBOUND_ASSUMPTIONS };

    expect(kmsCallsPerMillion(0.05, { ...a, secretCacheTtlSeconds: 0 })).toBeCloseTo(1.05e6);
    expect(kmsCallsPerMillion(0, a)).toBe(
      (a.workerContainers * a.activeEndpoints * (86_400 / a.secretCacheTtlSeconds) * 1e6) / a.deliveriesPerDay,
    );
    expect(kmsCallsPerMillion(0, { ...a, deliveriesPerDay: 10_000 })).toBe(1e6);
    expect(line(outboundCost(unit, 1024, 0, { secretCacheTtlSeconds: 0 }), 'KMS')).toBeCloseTo(3);
  });

  it('the admission gate reads circuit, bucket and health and writes bucket and circuit per attempt; unlimited endpoints skip the bucket', () => {
    expect(line(outboundCost(unit, 1024, 0), 'DynamoDB admission')).toBeCloseTo(4 * 0.125 + 2 * 0.625);
    expect(line(outboundCost(unit, 1024, 0, { rateLimitedShare: 0 }), 'DynamoDB admission')).toBeCloseTo(
      3 * 0.125 + 0.625,
    );
  });

  it('the coming response-body item is one write per attempt with a non-empty body, and a parameter', () => {
    expect(line(outboundCost(unit, 1024, 0.05), 'DynamoDB response-body')).toBeCloseTo(1.05 * 0.625);
    expect(line(outboundCost(unit, 1024, 0.05, { responseBodyShare: 0 }), 'DynamoDB response-body')).toBe(0);
  });

  it('retries add only per-attempt lines: nothing more at intake, 5 % more of each attempt line', () => {
    const once = outboundCost(unit, 1024, 0);
    const retried = outboundCost(unit, 1024, 0.05);

    expect(line(retried, 'DynamoDB intake writes')).toBe(line(once, 'DynamoDB intake writes'));
    expect(line(retried, 'worker')).toBeCloseTo(line(once, 'worker') * 1.05);
    expect(total(retried)).toBeGreaterThan(total(once));
  });

  it('API destinations: one custom event per 64 KB and one invocation per attempt', () => {
    expect(total(apiDestinationsCost(unit, 1024, 0))).toBeCloseTo(1.2);
    expect(total(apiDestinationsCost(unit, 100_000, 0.05))).toBeCloseTo(2 + 0.21);
  });
});
