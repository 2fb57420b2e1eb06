import { describe, expect, it } from 'vitest';
import { apiDestinationsCost, itemBytes, outboundCost, sampleItems, total, type OutboundPrices } from '../../bench/cost/outbound';

const unit: OutboundPrices = {
  apiGatewayHttpRequest: 1, lambdaRequest: 0.2, lambdaArm64GbSecond: 0.0000133334, dynamoDbWriteRequestUnit: 0.625, dynamoDbReadRequestUnit: 0.125,
  sqsStandardRequest: 0.4, kmsRequest: 3, eventBridgeCustomEvent: 1, eventBridgeApiDestinationInvocation: 0.2,
};

describe('outbound cost model', () => {
  it('measures items as DynamoDB does: names plus values', () => {
    expect(itemBytes({ ab: { S: 'xyz' }, n: { N: '1234' }, b: { BOOL: true } })).toBe(2 + 3 + 1 + 3 + 1 + 1);
  });

  it('a 1 KiB message makes a message item over 1 KB, so its writes cost two units each', () => {
    expect(sampleItems(1024).message).toBeGreaterThan(1024);
    expect(sampleItems(1024).message).toBeLessThan(2048);
  });

  it('retries add only per-attempt lines: 5 % retried once costs 5 % more of each attempt line and nothing more at intake', () => {
    const once = outboundCost(unit, 1024, 0);
    const retried = outboundCost(unit, 1024, 0.05);
    const line = (lines: typeof once, what: string) => lines.find((l) => l.what.startsWith(what))!.usd;
    expect(line(retried, 'API Gateway')).toBe(line(once, 'API Gateway'));
    expect(line(retried, 'KMS')).toBeCloseTo(line(once, 'KMS') * 1.05);
    expect(total(retried)).toBeGreaterThan(total(once));
  });

  it('API destinations: one custom event per 64 KB and one invocation per attempt', () => {
    expect(total(apiDestinationsCost(unit, 1024, 0))).toBeCloseTo(1.2);
    expect(total(apiDestinationsCost(unit, 100_000, 0.05))).toBeCloseTo(2 + 0.21);
  });
});
