/**
 * The Metrics port on Powertools Metrics: what the Embedded Metric Format lines say (CloudWatch makes metrics of
 * them), read back from the process's stdout where Lambda collects them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { powertoolsMetrics } from '../../lambdas/adapters/powertools-metrics';

let lines: Array<Record<string, unknown>>;
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const directive = (line: Record<string, unknown>) =>
  (line._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: unknown[] }> })
    .CloudWatchMetrics[0]!;

describe('powertoolsMetrics', () => {
  it('writes one line per invocation with the namespace, the source dimension, each metric and the notes', () => {
    const metrics = powertoolsMetrics({ namespace: 'WebhookTest' });
    metrics.add('accepted', 1, { Source: 'stripe' });
    metrics.add('verifyDuration', 23, { Source: 'stripe' });
    metrics.note('eventId', 'evt_1');

    metrics.flush();

    expect(lines).toHaveLength(1);
    expect(directive(lines[0]!)).toEqual({
      Namespace: 'WebhookTest',
      Dimensions: [['Source']],
      Metrics: expect.arrayContaining([
        { Name: 'Accepted', Unit: 'Count' },
        { Name: 'VerifyDuration', Unit: 'Milliseconds' },
      ]),
    });
    expect(lines[0]).toMatchObject({ Source: 'stripe', Accepted: 1, VerifyDuration: 23, eventId: 'evt_1' });
    expect(lines[0]).not.toHaveProperty('service');
  });

  it('counts a rejection in total and by reason, in one line and without a collision warning', () => {
    const warn = vi.spyOn(console, 'warn');
    const metrics = powertoolsMetrics({ namespace: 'WebhookTest' });
    metrics.add('rejected', 1, { Source: 'stripe', Reason: 'invalid_signature' });

    metrics.flush();

    expect(directive(lines[0]!).Dimensions).toEqual([['Source'], ['Source', 'Reason']]);
    expect(lines[0]).toMatchObject({ Source: 'stripe', Reason: 'invalid_signature', Rejected: 1 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('writes a metric without dimensions with the empty dimension set, and keeps every value of a distribution', () => {
    const metrics = powertoolsMetrics({ namespace: 'WebhookTest' });
    metrics.add('attemptLatency', 12);
    metrics.add('attemptLatency', 40);

    metrics.flush();

    expect(directive(lines[0]!).Dimensions).toEqual([[]]);
    expect(lines[0]).toMatchObject({ AttemptLatency: [12, 40] });
  });

  it('sums the counts of an invocation into one value, and keeps every value of a distribution', () => {
    const metrics = powertoolsMetrics({ namespace: 'WebhookTest' });
    for (let i = 0; i < 3; i++) {
      metrics.add('processingFailures', 1, { Source: 'stripe' });
      metrics.add('ingestToPublishAge', 100 * i, { Source: 'stripe' });
    }

    metrics.flush();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ ProcessingFailures: 3, IngestToPublishAge: [0, 100, 200] });
  });

  it('writes a line per dimension value, and nothing once flushed', () => {
    const metrics = powertoolsMetrics({ namespace: 'WebhookTest' });
    metrics.add('deliveryAttempts', 1, { Outcome: 'delivered' });
    metrics.add('deliveryAttempts', 1, { Outcome: 'failed' });
    metrics.flush();
    metrics.flush();

    expect(lines.map((l) => [l.Outcome, l.DeliveryAttempts])).toEqual([
      ['delivered', 1],
      ['failed', 1],
    ]);
  });

  it('forgets the notes of the last invocation', () => {
    const metrics = powertoolsMetrics({ namespace: 'WebhookTest' });
    metrics.add('accepted', 1, { Source: 'stripe' });
    metrics.note('eventId', 'evt_1');
    metrics.flush();
    metrics.add('accepted', 1, { Source: 'stripe' });
    metrics.flush();

    expect(lines[1]).not.toHaveProperty('eventId');
  });
});
