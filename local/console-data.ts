/**
 * What the operator console shows, read from the local stack: each source with its queue and the last hour's
 * requests (rates and rejections, inbound-tally.ts), the events recorded, the dead letters of each queue, and every
 * tenant's endpoints with their state. The console page reads these through `/_local/console/api/…`
 * (console-routes.ts); a deployed console would answer the same routes from DynamoDB, SQS and CloudWatch.
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toEndpoint } from '../lambdas/adapters/dynamo-outbound-codec';
import { DynamoEndpointStateStore } from '../lambdas/adapters/dynamo-endpoint-state';
import type { EventRecord } from '../lambdas/core/inbound/ports';
import { phaseOf } from '../lambdas/core/outbound/admission/circuit';
import type { InboundTally, SourceTally } from './inbound-tally';
import type { LocalQueue } from './queue';

export interface ConsoleSources {
  readonly id: string;
  readonly scheme: string;
  readonly queue: ReturnType<LocalQueue['stats']>;
  readonly requests: SourceTally;
}

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

export type EndpointState = 'healthy' | 'failing' | 'circuit open' | 'circuit half-open' | 'disabled';

export function consoleData(deps: ConsoleDataDeps) {
  const now = deps.now ?? Date.now;
  const state = new DynamoEndpointStateStore(deps.dynamo, deps.outboundTable);
  return {
    overview() {
      return {
        sources: [...deps.sources].map(([id, s]) => ({
          id,
          scheme: s.config.scheme,
          queue: s.queue.stats(),
          requests: deps.tally.tally(id),
        })),
        queues: [...deps.queues].map(([name, q]) => ({ name, ...q.queue.stats() })),
      };
    },

    /** The newest events first, filtered by source and status. */
    async events(filter: { source?: string; status?: string; limit: number }) {
      const all = await deps.listEvents();
      return all
        .filter((e) => (!filter.source || e.source === filter.source) && (!filter.status || e.status === filter.status))
        .sort((a, b) => b.receivedAt - a.receivedAt)
        .slice(0, filter.limit);
    },

    event: (source: string, eventId: string) => deps.getEvent(source, eventId),

    /** A queue's dead letters: ids, type and receive count (not their bodies). */
    deadLetters(queue: string) {
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

    /** Every tenant's endpoints with their state, by tenant. */
    async endpoints() {
      const items: Record<string, AttributeValue>[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await deps.dynamo.send(
          new ScanCommand({
            TableName: deps.outboundTable,
            FilterExpression: 'begins_with(sk, :ep)',
            ExpressionAttributeValues: { ':ep': { S: 'EP#' } },
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      const at = now();
      const rows = await Promise.all(
        items.map(async (item) => {
          const { endpoint: e } = toEndpoint(item);
          const key = { tenantId: e.tenantId, endpointId: e.endpointId };
          const record = await state.readCircuit(key);
          const [circuit, health] = [record.circuit.value, record.health];
          const phase = phaseOf(circuit, at);
          const s: EndpointState = !e.enabled
            ? 'disabled'
            : phase === 'open'
              ? 'circuit open'
              : phase === 'half-open'
                ? 'circuit half-open'
                : health?.failingSince !== undefined
                  ? 'failing'
                  : 'healthy';
          return { ...key, url: e.url, description: e.description, state: s, disabledReason: e.disabledReason };
        }),
      );
      return rows.sort((a, b) => a.tenantId.localeCompare(b.tenantId) || a.endpointId.localeCompare(b.endpointId));
    },
  };
}

export type ConsoleData = ReturnType<typeof consoleData>;
