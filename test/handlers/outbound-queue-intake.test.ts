import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { EXTENDED_PAYLOAD_SIZE_ATTRIBUTE } from '../../lambdas/contract';
import { extendedPointer } from '../../lambdas/core/archive/extended-pointer';
import { defineRelays } from '../../lambdas/core/outbound/intake/relay';
import { createQueueIntakeHandler, intakeRecord, relayRecord } from '../../lambdas/outbound-intake/create-handler';
import {
  endpoint,
  FakeDeliveryStore,
  FakeEndpointStore,
  FakeMessageStore,
  NOW,
  recordingLog,
} from '../helpers/outbound';

function deps() {
  const woken: string[] = [];
  const messages = new FakeMessageStore();
  return {
    woken,
    messages,
    deps: {
      messages,
      endpoints: new FakeEndpointStore([{ ...endpoint({ filterTypes: ['*'] }) }]),
      deliveries: new FakeDeliveryStore(),
      wakeUps: {
        send: async (list: ReadonlyArray<{ deliveryId: string }>) => void woken.push(...list.map((w) => w.deliveryId)),
      },
      now: () => NOW,
      log: recordingLog(),
    },
  };
}

const record = (messageId: string, body: string, attributes: Record<string, string>): SQSRecord =>
  ({
    messageId,
    body,
    messageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([k, v]) => [k, { stringValue: v, dataType: 'String' }]),
    ),
  }) as unknown as SQSRecord;
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('intake queue handler', () => {
  it('accepts a message with tenant, type and id attributes, keeps the body as the payload, and wakes its deliveries', async () => {
    const { deps: d, woken, messages } = deps();
    const handler = createQueueIntakeHandler(d, intakeRecord);

    expect(
      await handler(
        event(record('m1', '{"a":10000000000000000001}', { tenant: 'acme', type: 'invoice.paid', id: 'msg_q1' })),
      ),
    ).toEqual({ batchItemFailures: [] });

    expect(messages.records.get('acme#msg_q1')?.payload).toBe('{"a":10000000000000000001}');
    expect(woken).toHaveLength(1);
  });

  it('reports (does not drop) a record without attributes, or one reusing an id with another payload, so it reaches the DLQ', async () => {
    const { deps: d } = deps();
    const handler = createQueueIntakeHandler(d, intakeRecord);
    await handler(event(record('m1', '{}', { tenant: 'acme', type: 'invoice.paid', id: 'x' })));

    const out = await handler(
      event(
        record('m2', '{}', { type: 'invoice.paid' }),
        record('m3', '{"other":1}', { tenant: 'acme', type: 'invoice.paid', id: 'x' }),
        record('m4', '{}', { tenant: 'acme', type: 'invoice.paid', id: 'x' }),
      ),
    );

    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m2', 'm3']);
  });

  it('without an id attribute, the SQS message id is the idempotency key', async () => {
    const { deps: d, messages } = deps();
    await createQueueIntakeHandler(
      d,
      intakeRecord,
    )(event(record('sqs-id-1', '{}', { tenant: 'acme', type: 'order.paid' })));
    expect(messages.records.has('acme#sqs-id-1')).toBe(true);
  });
});

describe('relay queue handler', () => {
  it('turns a topic event into a message per matching rule, with the id <source>:<eventId>', async () => {
    const { deps: d, messages } = deps();
    const handler = createQueueIntakeHandler(
      d,
      relayRecord(defineRelays([{ source: 'stripe', types: ['invoice.*'], tenant: 'acme' }])),
    );

    await handler(
      event(
        record('m1', '{"id":"evt_1"}', { source: 'stripe', type: 'invoice.paid', eventId: 'evt_1' }),
        record('m2', '{}', { source: 'stripe', type: 'charge.refunded', eventId: 'evt_2' }),
      ),
    );

    expect([...messages.records.keys()]).toEqual(['acme#stripe:evt_1']);
  });

  it('refuses an event the topic carried as an extended-client pointer (over 256 KiB) instead of relaying the pointer as its payload', async () => {
    const { deps: d, messages, woken } = deps();
    const handler = createQueueIntakeHandler(
      d,
      relayRecord(defineRelays([{ source: 'stripe', types: ['*'], tenant: 'acme' }])),
    );
    const pointer = extendedPointer('archive-bucket', 'messages/source=stripe/evt_big');

    const result = await handler(
      event(
        record('m1', pointer, {
          source: 'stripe',
          type: 'invoice.paid',
          eventId: 'evt_big',
          [EXTENDED_PAYLOAD_SIZE_ATTRIBUTE]: '300000',
        }),
      ),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(messages.records.size).toBe(0);
    expect(woken).toEqual([]);
    expect(JSON.stringify(d.log.lines)).toMatch(/300000 bytes, over the 204800 bytes an outbound payload may be/);
  });
});
