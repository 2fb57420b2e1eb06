/**
 * The outbound functions as the tests run them: the one composition (lambdas/wiring/outbound.ts) on the embedded
 * DynamoDB, with the receiver, resolver, cipher, wake-up queue and operations topic replaced by recording fakes.
 * Each test changes only what it is about.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import type { PublishEntry } from '../../lambdas/core/kernel/ports';
import { encodeWakeUp, type DelayedWakeUp } from '../../lambdas/core/outbound/delivery/wake-up';
import type { SendResult } from '../../lambdas/core/outbound/ports';
import { createDeliveryWorker, type WorkerDeps } from '../../lambdas/delivery-worker/create-handler';
import { composeOutbound, type OutboundPorts } from '../../lambdas/wiring/outbound';
import { fakeCipher, FakeResolver, FakeSender, ok, RECEIVER_HOST, RECEIVER_IP, recordingLog, TENANT } from './outbound';

export interface OutboundUnderTest extends ReturnType<typeof composeOutbound> {
  readonly sender: FakeSender;
  readonly log: ReturnType<typeof recordingLog>;
  /** Wake-ups the functions queued. */
  readonly sent: DelayedWakeUp[];
  /** Operator notifications published. */
  readonly published: PublishEntry[];
  /** A delivery worker (a new container each call), optionally with some dependencies replaced. */
  handler(overrides?: Partial<WorkerDeps>): ReturnType<typeof createDeliveryWorker>;
}

/**
 * @example
 * const o = outboundUnderTest({ dynamo: dynamo.client, tableName: TABLE, script: [ok(500), ok()] });
 * await o.handler()(wakeUpEvent('dlv_1'));
 */
export function outboundUnderTest(
  options: Partial<OutboundPorts> & { readonly dynamo: DynamoDBClient; readonly tableName: string } & {
    /** What the fake receiver answers, in order. @default one 200 */
    readonly script?: SendResult[];
  },
): OutboundUnderTest {
  const sender = options.sender instanceof FakeSender ? options.sender : new FakeSender(options.script ?? [ok()]);
  const log = recordingLog();
  const sent: DelayedWakeUp[] = [];
  const published: PublishEntry[] = [];
  let leases = 0;
  const composition = composeOutbound({
    cipher: fakeCipher,
    wakeUps: { send: async (list) => void sent.push(...list) },
    notifications: { publishBatch: async (entries) => (published.push(...entries), new Set<string>()) },
    log,
    resolver: new FakeResolver({ [RECEIVER_HOST]: [RECEIVER_IP] }),
    random: () => 0.5,
    newLeaseId: () => `lease_${++leases}`,
    newEndpointId: () => 'ep_1',
    // The tests' clocks stand still: a throttled delivery goes back to the queue instead of waiting in the worker
    // for its token (the rate test sets it to check the reserved tokens' bound).
    rateWaitMs: 0,
    ...options,
    sender: options.sender ?? sender,
  });
  return {
    ...composition,
    sender,
    log,
    sent,
    published,
    handler: (overrides = {}) => createDeliveryWorker({ ...composition.worker(), ...overrides }),
  };
}

/** An SQS batch of wake-ups for the given deliveries (message ids `m0`, `m1`, …). */
export function wakeUpEvent(...deliveryIds: string[]): SQSEvent {
  return {
    Records: deliveryIds.map((deliveryId, i) => ({
      messageId: `m${i}`,
      body: encodeWakeUp({ tenantId: TENANT, deliveryId }),
    })),
  } as SQSEvent;
}
