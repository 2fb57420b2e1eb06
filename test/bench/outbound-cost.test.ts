import { describe, expect, it } from 'vitest';
import {
  apiDestinationsCost,
  deliveryBatchFill,
  designInputs,
  kmsCallsPerMillion,
  OUTBOUND_ASSUMPTIONS,
  outboundCost,
  scenarioOf,
  total,
  type OutboundAssumptions,
  type OutboundPrices,
} from '../../bench/cost/outbound';
import { itemBytes, leanUsage, mainUsage, sample, wru } from '../../bench/cost/outbound-designs';
import { messageItem } from '../../lambdas/adapters/dynamo-outbound-codec';
import { PAYLOAD_INLINE_MAX_BYTES } from '../../lambdas/adapters/payload-store';

const unit: OutboundPrices = {
  apiGatewayHttpRequest: 1,
  lambdaRequest: 0.2,
  lambdaArm64GbSecond: 0.0000133334,
  dynamoDbWriteRequestUnit: 0.625,
  dynamoDbReadRequestUnit: 0.125,
  dynamoDbStorageGbMonth: 0.25,
  dynamoDbPitrGbMonth: 0.2,
  sqsStandardRequest: 0.4,
  kmsRequest: 3,
  cloudWatchLogsIngestGb: 0.5,
  dataTransferOutGb: 0.09,
  s3PutRequest: 5,
  s3GetRequest: 0.4,
  s3StorageGbMonth: 0.023,
  eventBridgeCustomEvent: 1,
  eventBridgeApiDestinationInvocation: 0.2,
};
const A: OutboundAssumptions = { ...OUTBOUND_ASSUMPTIONS };
const lean = (bytes: number, o: Partial<OutboundAssumptions> = {}) => {
  const a = { ...A, ...o };
  return leanUsage(scenarioOf(bytes, a), designInputs(a));
};
const writes = (u: ReturnType<typeof lean>) => u.writes.reduce((n, w) => n + w[1], 0);
const line = (lines: ReturnType<typeof outboundCost>, what: string) => lines.find((l) => l.what.startsWith(what))!.usd;

describe('outbound cost model', () => {
  it('measures items as DynamoDB does: names plus values', () => {
    expect(itemBytes({ ab: { S: 'xyz' }, n: { N: '1234' }, b: { BOOL: true } })).toBe(2 + 3 + 1 + 3 + 1 + 1);
  });

  it("derives the delivery queue's batch fill by the inbound rule: 1 without a window, else what the window gathers", () => {
    expect(deliveryBatchFill({ ...A, batchingWindowSeconds: 0 })).toBe(1);
    expect(deliveryBatchFill({ ...A, batchingWindowSeconds: 1, deliveriesPerDay: 86_400 * 4 })).toBe(4);
    expect(deliveryBatchFill({ ...A, batchingWindowSeconds: 1, deliveriesPerDay: 86_400 * 40 })).toBe(10);
  });

  it('a 1 KiB delivery writes the message once, keys-only index entries, and only the delivery item per claim and record', () => {
    const u = lean(1024, { batchingWindowSeconds: 0 });
    const { message } = sample(scenarioOf(1024, A));
    expect(u.writes.find(([w]) => w.startsWith('message put'))?.[1]).toBe(wru(itemBytes(messageItem(message))));
    expect(u.writes.filter(([w]) => w.includes('markFannedOut'))).toEqual([]);
    expect(u.writes.find(([w]) => w.startsWith('claim'))?.[1]).toBe(1);
    expect(u.writes.find(([w]) => w.startsWith('record'))?.[1]).toBe(1);
    expect(writes(u)).toBeLessThan(writes(mainUsage(scenarioOf(1024, A), designInputs(A))) / 1.5);
  });

  it('with a batching window, what is once per batch per endpoint (breaker count, bucket, endpoint read) is shared', () => {
    const one = lean(1024, { batchingWindowSeconds: 0 });
    const batched = lean(1024, { batchingWindowSeconds: 1 });
    const of = (u: typeof one, what: string) => u.writes.find(([w]) => w.startsWith(what))![1];
    expect(of(batched, 'breaker count')).toBeCloseTo(of(one, 'breaker count') / 10);
    expect(batched.sqsRequests).toBeCloseTo(1 + 2 / 10);
    expect(batched.workerInvocations).toBeCloseTo(0.1);
  });

  it('a payload over the threshold goes to S3: one PUT, a GET per attempt, and a message item under 1 KB', () => {
    const u = lean(PAYLOAD_INLINE_MAX_BYTES + 1);
    expect(u.s3).toEqual({ puts: 1, gets: 1, storedBytes: PAYLOAD_INLINE_MAX_BYTES + 1 });
    expect(u.writes.find(([w]) => w.startsWith('message put'))?.[1]).toBe(1);
    expect(lean(PAYLOAD_INLINE_MAX_BYTES).s3.puts).toBe(0);
  });

  it('with envelope encryption a container opens one data key per cache period, not one secret per endpoint', () => {
    const { keysPerContainer } = lean(1024);
    expect(keysPerContainer).toBe(A.dataKeysInUse);
    expect(kmsCallsPerMillion(1, keysPerContainer, A)).toBe(
      (A.workerContainers * A.dataKeysInUse * (86_400 / A.secretCacheTtlSeconds) * 1e6) / A.deliveriesPerDay,
    );
    expect(kmsCallsPerMillion(1.05, 1, { ...A, secretCacheTtlSeconds: 0 })).toBeCloseTo(1.05e6);
  });

  it('counts storage and backup for the retention, logs and data transfer out, all in', () => {
    const lines = outboundCost(unit, 1024, lean(1024), A);
    expect(line(lines, 'DynamoDB storage')).toBeGreaterThan(0);
    expect(line(lines, 'CloudWatch Logs')).toBeCloseTo(
      ((A.accessLogBytes + A.apiLogBytes + A.workerLogBytes + 3 * A.logEventOverheadBytes) / 1e9) * 0.5 * 1e6,
    );
    expect(line(lines, 'data transfer out')).toBeCloseTo(((1024 + 60 + A.requestOverheadBytes) / 1e9) * 0.09 * 1e6);
    // Storage scales with the retention.
    expect(line(outboundCost(unit, 1024, lean(1024, { retentionDays: 60 }), A), 'DynamoDB storage')).toBeGreaterThan(
      line(lines, 'DynamoDB storage'),
    );
  });

  it('a retry adds an attempt, not an intake: the message and delivery puts are written once', () => {
    const once = lean(1024);
    const retried = lean(1024, { retriedShare: 1 });
    const of = (u: typeof once, what: string) => u.writes.find(([w]) => w.startsWith(what))![1];
    expect(of(retried, 'message put')).toBe(of(once, 'message put'));
    expect(of(retried, 'claim')).toBe(2 * of(once, 'claim'));
  });

  it('API destinations: one custom event per 64 KB and one invocation per attempt', () => {
    expect(total(apiDestinationsCost(unit, 1024, 0))).toBeCloseTo(1.2);
    expect(total(apiDestinationsCost(unit, 100_000, 0.05))).toBeCloseTo(2 + 0.21);
  });
});
