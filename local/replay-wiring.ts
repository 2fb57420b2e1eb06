/** The local stack's replay jobs, wired to its store, archive, topic, queues and sources (local/stack.ts). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoReplayStore } from '../lambdas/adapters/dynamo-replay-store';
import type { ObjectStore } from '../lambdas/core/archive/ports';
import type { EventStore, Queue, SecretSource } from '../lambdas/core/inbound/ports';
import type { Router } from '../lambdas/core/inbound/routing';
import type { PreparedSource } from '../lambdas/core/inbound/sources';
import type { Log } from '../lambdas/core/kernel/log';
import type { Topic } from '../lambdas/core/kernel/ports';
import type { SourceConfig } from '../lib/config-schema';
import { LocalReplays } from './replays';
import { randomUUID } from 'node:crypto';

export interface LocalReplayWiring {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly archive: ObjectStore;
  readonly topic: Topic;
  readonly queue: Queue;
  readonly store: EventStore;
  readonly secrets: SecretSource;
  readonly prepared: ReadonlyMap<string, PreparedSource>;
  readonly configs: readonly SourceConfig[];
  readonly router: Router;
  readonly log: Log;
  /** A run's hold on a job between checkpoints: a killed stack's jobs are resumed after it. @default 3000 */
  readonly leaseMs?: number;
}

/** The local subscribers a replay may target: every console line, every `--forward` receiver. */
export const LOCAL_SUBSCRIPTIONS = ['console', 'forward'] as const;

export function localReplays(w: LocalReplayWiring): LocalReplays {
  return new LocalReplays(
    {
      archive: w.archive,
      jobs: new DynamoReplayStore(w.dynamo, w.tableName),
      topic: w.topic,
      queue: w.queue,
      records: w.store,
      secrets: w.secrets,
      sources: w.prepared,
      router: w.router,
      clock: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      newId: randomUUID,
      log: w.log,
      leaseMs: w.leaseMs ?? 3000,
    },
    {
      retentionDays: new Map(w.configs.map((c) => [c.id, c.archive.retentionDays])),
      subscriptions: LOCAL_SUBSCRIPTIONS,
    },
  );
}
