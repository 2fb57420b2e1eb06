import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  attemptExhausted,
  circuitClosed,
  circuitOpened,
  endpointDisabled,
  endpointEnabled,
  NOTIFICATION_TYPES,
  notificationsForSettlement,
  parseNotification,
  toTopicMessage,
} from '../../../../lambdas/core/outbound/admission/notifications';
import { NOW } from '../../../helpers/outbound';

const REF = { tenantId: 'acme', endpointId: 'ep_orders' };
const exhausted = () =>
  attemptExhausted({
    ...REF,
    messageId: 'msg_1',
    deliveryId: 'dlv_1',
    messageType: 'invoice.paid',
    attempts: 10,
    reason: 'no_attempts_left',
    lastAttempt: { at: NOW, error: 'timeout' },
  });

describe('the builders', () => {
  it('give each notification the versioned envelope and a schema-valid body', () => {
    const all = [
      exhausted(),
      circuitOpened({
        ...REF,
        at: NOW,
        reason: 'failure_rate',
        consecutiveFailures: 2,
        failureRate: 0.55,
        attemptsInWindow: 20,
        openUntil: NOW + 30_000,
      }),
      circuitClosed({ ...REF, at: NOW + 3_600_000, openedAt: NOW }),
      endpointDisabled({ ...REF, at: NOW, reason: 'gone', failingSince: NOW }),
      endpointEnabled({ ...REF, at: NOW, trigger: 'manual' }),
    ];

    expect(all.map((n) => n.type)).toEqual([...NOTIFICATION_TYPES]);
    for (const n of all) {
      expect(n).toMatchObject({
        version: 1,
        timestamp: expect.stringMatching(/Z$/),
        id: expect.stringMatching(/^ntf_[0-9a-f]{32}$/),
      });
      expect(parseNotification(JSON.parse(JSON.stringify(n)))).toEqual(JSON.parse(JSON.stringify(n)));
    }
  });

  it('give the same event the same id (a duplicate publish can be dropped) and different events different ids', () => {
    expect(exhausted().id).toBe(exhausted().id);
    expect(endpointDisabled({ ...REF, at: NOW, reason: 'manual' }).id).not.toBe(
      endpointDisabled({ ...REF, at: NOW + 1, reason: 'manual' }).id,
    );
  });

  it('report the open time of a closed circuit in seconds', () => {
    expect(circuitClosed({ ...REF, at: NOW + 3_600_400, openedAt: NOW }).data).toEqual({
      ...REF,
      openedAt: '2026-12-02T06:00:00.000Z',
      openForSeconds: 3600,
    });
  });

  it("mark an operator's disabling as manual and the others as automatic", () => {
    expect(endpointDisabled({ ...REF, at: NOW, reason: 'manual' }).data.trigger).toBe('manual');
    expect(endpointDisabled({ ...REF, at: NOW, reason: 'failing', failingSince: NOW - 1 }).data.trigger).toBe(
      'automatic',
    );
  });

  it('refuse a field outside the schema, so a payload or URL cannot ride along', () => {
    const smuggled = { ...REF, at: NOW, trigger: 'manual' as const, url: 'https://hooks.example/?token=secret' };

    expect(() => endpointEnabled(smuggled)).not.toThrow(); // the builder copies only the fields it knows
    expect(JSON.stringify(endpointEnabled(smuggled))).not.toContain('secret');
    expect(() =>
      parseNotification({ ...JSON.parse(JSON.stringify(exhausted())), data: { ...exhausted().data, payload: '{}' } }),
    ).toThrow();
  });

  it('publish with the type as a message attribute and the id for deduplication', () => {
    const n = exhausted();

    expect(toTopicMessage(n)).toEqual({
      message: JSON.stringify(n),
      attributes: { type: 'message.attempt.exhausted' },
      deduplicationId: n.id,
    });
  });
});

describe('notificationsForSettlement()', () => {
  it('notifies an opened and a closed circuit and a disabled endpoint, not a failed probe', () => {
    const sent = notificationsForSettlement(REF, {
      circuit: [
        {
          type: 'circuit.opened',
          reason: 'consecutive_failures',
          at: NOW,
          openUntil: NOW + 30_000,
          consecutiveFailures: 5,
          failureRate: 1,
          attemptsInWindow: 5,
        },
        { type: 'circuit.probe_failed', at: NOW, openUntil: NOW + 60_000 },
        { type: 'circuit.closed', at: NOW + 60_000, openedAt: NOW },
      ],
      disable: { type: 'endpoint.disabled', reason: 'gone', at: NOW, failingSince: NOW },
    });

    expect(sent.map((n) => n.type)).toEqual([
      'endpoint.circuit.opened',
      'endpoint.circuit.closed',
      'endpoint.disabled',
    ]);
    expect(sent[0]!.data).toEqual({
      ...REF,
      reason: 'consecutive_failures',
      consecutiveFailures: 5,
      failureRate: 1,
      attemptsInWindow: 5,
      nextProbeAt: '2026-12-02T06:00:30.000Z',
    });
  });
});

describe('docs/outbound-notifications.md', () => {
  const doc = readFileSync(new URL('../../../../docs/outbound-notifications.md', import.meta.url), 'utf8');
  const examples = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as unknown);

  it('has one example of each type, each valid against the schema', () => {
    expect(examples.map((e) => parseNotification(e).type)).toEqual([...NOTIFICATION_TYPES]);
  });

  it('documents every type under its own heading, with what to do', () => {
    for (const type of NOTIFICATION_TYPES) {
      const section = doc.split(`## \`${type}\``)[1]?.split('\n## ')[0] ?? '';
      expect(section).toContain('**What to do:**');
    }
  });
});
