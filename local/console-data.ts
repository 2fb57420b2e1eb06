/**
 * The operator console's data (core/console/ports.ts) read from the local stack: each source with the last hour's
 * requests (rates and rejections, inbound-tally.ts), the queues and their dead letters, the events recorded, and
 * every tenant's endpoints with their state. A deployed stack answers the same port from DynamoDB, SQS and
 * CloudWatch (lambdas/adapters/console/aws-console-data.ts).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { endpointCensus } from '../lambdas/adapters/console/dynamo-endpoint-census';
import type { ConsoleData } from '../lambdas/core/console/ports';
import type { EventRecord } from '../lambdas/core/inbound/ports';
import type { InboundTally } from './inbound-tally';
import type { LocalQueue } from './queue';

export interface ConsoleDataDeps {
  readonly sources: ReadonlyMap<string, { readonly config: { readonly scheme: string }; readonly queue: LocalQueue }>;
  /** Every queue `queues redrive` knows, the outbound ones included. */
  readonly queues: ReadonlyMap<string, { readonly queue: LocalQueue }>;
  readonly tally: InboundTally;
  listEvents(): Promise<EventRecord[]>;
  getEvent(source: string, eventId: string): Promise<EventRecord | undefined>;
  readonly dynamo: DynamoDBClient;
  readonly outboundTable: string;
  readonly now?: () => number;
}

export function consoleData(deps: ConsoleDataDeps): ConsoleData {
  const now = deps.now ?? Date.now;
  return {
    async overview() {
      const at = now();
      return {
        sources: [...deps.sources].map(([id, s]) => ({ id, scheme: s.config.scheme, requests: deps.tally.tally(id) })),
        queues: [...deps.queues].map(([name, q]) => {
          const { visible, inFlight, deadLetters, oldestSentAt } = q.queue.stats();
          return {
            name,
            visible,
            inFlight,
            deadLetters,
            ...(oldestSentAt !== undefined && {
              oldestAgeSeconds: Math.max(0, Math.floor((at - oldestSentAt) / 1000)),
            }),
          };
        }),
      };
    },

    async events(filter) {
      const all = await deps.listEvents();
      return all
        .filter((e) => (!filter.source || e.source === filter.source) && (!filter.status || e.status === filter.status))
        .sort((a, b) => b.receivedAt - a.receivedAt)
        .slice(0, filter.limit);
    },

    event: (source, eventId) => deps.getEvent(source, eventId),

    async deadLetters(queue) {
      const q = deps.queues.get(queue)?.queue;
      if (!q) return undefined;
      return q.deadLetters().map((m) => ({
        id: m.id,
        eventId: m.attributes.eventId,
        type: m.attributes.type,
        receiveCount: m.receiveCount,
        bytes: Buffer.byteLength(m.body),
      }));
    },

    endpoints: () => endpointCensus(deps.dynamo, deps.outboundTable, now),

    async redrive(queue) {
      const q = deps.queues.get(queue)?.queue;
      if (!q) return undefined;
      return { status: 'done', moved: await q.redrive() };
    },
  };
}
