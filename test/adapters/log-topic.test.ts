import { describe, expect, it } from 'vitest';
import { LogTopic } from '../../lambdas/adapters/log-topic';
import { circuitOpened, toTopicMessage } from '../../lambdas/core/outbound/admission/notifications';
import { NOW, recordingLog } from '../helpers/outbound';

describe('LogTopic', () => {
  it('publishBatch() writes each notification as one warning line (shown by npm start by default) and reports no failure', async () => {
    const log = recordingLog();
    const n = circuitOpened({
      tenantId: 'acme',
      endpointId: 'ep_1',
      at: NOW,
      reason: 'consecutive_failures',
      consecutiveFailures: 5,
      failureRate: 1,
      attemptsInWindow: 5,
      openUntil: NOW + 30_000,
    });
    const m = toTopicMessage(n);
    const failed = await new LogTopic(log).publishBatch([
      { id: m.deduplicationId, message: m.message, attributes: m.attributes },
    ]);
    expect(failed.size).toBe(0);
    expect(log.lines).toEqual([{ level: 'warn', message: 'operator notification', extra: [{ notification: n }] }]);
  });
});
