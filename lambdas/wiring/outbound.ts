/**
 * The one outbound composition: from the ports it is given (AWS clients when deployed, stand-ins in the local
 * stack, fakes in tests) to the dependencies of every outbound function: the API, the delivery worker, the
 * intake and relay consumers and the sweeper. The deployed entries, `local/outbound.ts` and the tests' helper all
 * call it, so the three cannot wire the worker differently.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { outboundClaimLeaseSeconds } from '../contract';
import { DynamoEndpointStateStore } from '../adapters/dynamo-endpoint-state';
import { DynamoDeliveryStore } from '../adapters/dynamo-outbound-deliveries';
import { DynamoEndpointRepository, DynamoMessageStore } from '../adapters/dynamo-outbound-endpoints';
import { DynamoRecoveryStore } from '../adapters/dynamo-outbound-recovery';
import type { PayloadStore } from '../adapters/payload-store';
import { createHttpSender, dnsResolver } from '../adapters/http-sender';
import type { Log } from '../core/kernel/log';
import type { Clock, Topic } from '../core/kernel/ports';
import { CombiningStateStore } from '../core/outbound/admission/combining-store';
import type { OperationsSettings } from '../core/outbound/admission/settings';
import type { EndpointStateStore } from '../core/outbound/admission/state-store';
import { CachingSecretCipher } from '../core/outbound/delivery/secret-cache';
import { ssrfPolicy } from '../core/outbound/delivery/ssrf';
import { createTransformer, type TransformRoute } from '../core/outbound/delivery/transform';
import type { SubmitDeps } from '../core/outbound/intake/submit';
import type { Metrics } from '../core/kernel/metrics';
import { countingNotifications } from '../core/outbound/metrics';
import type { EventTypeCatalog } from '../core/outbound/event-types';
import type { HttpSender, Resolver, SecretCipher, WakeUpQueue } from '../core/outbound/ports';
import { DEFAULT_RETENTION, type RetentionSettings } from '../core/outbound/retention';
import type { SweeperDeps } from '../delivery-sweeper/create-handler';
import type { WorkerDeps } from '../delivery-worker/create-handler';
import { RATE_WAIT_MS } from '../core/outbound/delivery/gated-attempt';
import type { OutboundApiDeps } from '../outbound-api/create-handler';
import type { PortalDeps } from '../outbound-api/portal';

export interface OutboundPorts {
  /** The outbound table's client (DynamoDB deployed, the embedded store locally and in tests). */
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Encrypts endpoint secrets (KMS deployed, AES-GCM locally, a fake in tests). */
  readonly cipher: SecretCipher;
  /** Where large payloads go (S3 deployed, files locally). @default none: every payload in its message item */
  readonly payloads?: PayloadStore;
  /** Where wake-ups go (the delivery queue). */
  readonly wakeUps: WakeUpQueue;
  /** Operator notifications (the operations topic deployed, log lines locally). */
  readonly notifications: Topic;
  readonly log: Log;
  /** Subnets deliveries may reach although the SSRF guard refuses them. @default none */
  readonly allowedCidrs?: readonly string[];
  /** @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
  /** Your outbound transforms (config/transforms.ts). @default none: the Standard Webhooks body */
  readonly transforms?: readonly TransformRoute[];
  /** The stack's breaker and health settings; an endpoint's own override them. @default DEFAULT_OPERATIONS_SETTINGS */
  readonly operations?: OperationsSettings;
  /** Lease of a queued or claimed wake-up. @default DEFAULT_WAKE_LEASE_MS (15 min) */
  readonly leaseMs?: number;
  /** Lease of a worker's claim on a delivery attempt (decision 0027). @default outboundClaimLeaseSeconds() (70 s) */
  readonly claimLeaseMs?: number;
  /** @default the DNS resolver */
  readonly resolver?: Resolver;
  /** @default the pinned HTTPS sender behind the SSRF policy */
  readonly sender?: HttpSender;
  /** @default the DynamoDB state store on the outbound table */
  readonly stateStore?: EndpointStateStore;
  /** Counts attempts, the sweeper's lag and operator notifications (flushed by each entry). @default none */
  readonly metrics?: Metrics;
  /** @default Date.now */
  readonly now?: Clock;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default random `ep_…` ids */
  readonly newEndpointId?: () => string;
  /** @default random lease ids (probe leases and claim tokens) */
  readonly newLeaseId?: () => string;
  /** How far off an endpoint's next token may be for a delivery to wait for it in the worker. @default RATE_WAIT_MS */
  readonly rateWaitMs?: number;
  /** The event types catalog (config/event-types.ts): intake checks payloads against it. @default none */
  readonly eventTypes?: EventTypeCatalog;
  /** The tenant portal: its signing key, settings and pages. @default none (its routes answer 404) */
  readonly portal?: PortalDeps;
}

export type OutboundComposition = ReturnType<typeof composeOutbound>;

/** Builds the stores once and hands each outbound function the dependencies it needs. */
export function composeOutbound(ports: OutboundPorts) {
  const { dynamo, tableName, log, wakeUps } = ports;
  const now = ports.now ?? Date.now;
  const retention = ports.retention ?? DEFAULT_RETENTION;
  const leaseOptions = ports.leaseMs === undefined ? {} : { leaseMs: ports.leaseMs };
  const ssrf = ssrfPolicy(ports.allowedCidrs ?? []);
  const resolver = ports.resolver ?? dnsResolver;
  const stores = {
    endpoints: new DynamoEndpointRepository(dynamo, tableName),
    messages: new DynamoMessageStore(dynamo, tableName, { ...(ports.payloads && { payloads: ports.payloads }) }),
    deliveries: new DynamoDeliveryStore(dynamo, tableName, { ...leaseOptions, retention }),
    recovery: new DynamoRecoveryStore(dynamo, tableName, { ...leaseOptions, retention }),
    state: ports.stateStore ?? new DynamoEndpointStateStore(dynamo, tableName),
  };
  const operations = {
    store: stores.state,
    // Counted as they are published: circuits opened and closed, endpoints disabled (core/outbound/metrics.ts).
    notifications: ports.metrics ? countingNotifications(ports.notifications, ports.metrics) : ports.notifications,
    ...(ports.operations && { settings: ports.operations }),
  };
  const { endpoints, messages, deliveries } = stores;
  const common = {
    endpoints,
    messages,
    deliveries,
    wakeUps,
    now,
    log,
    retention,
    ...(ports.eventTypes && { eventTypes: ports.eventTypes }),
  };
  const intake: SubmitDeps = common;
  const api: OutboundApiDeps = {
    ...common,
    recovery: stores.recovery,
    operations,
    cipher: ports.cipher,
    resolver,
    ssrf,
    newId: ports.newEndpointId ?? (() => `ep_${randomBytes(12).toString('base64url')}`),
    ...(ports.portal && { portal: ports.portal }),
  };
  const sender = ports.sender ?? createHttpSender({ policy: ssrf, resolver });
  // Decrypted endpoint secrets kept for 5 minutes per container, not one Decrypt per attempt (decision 0013).
  const cipher = new CachingSecretCipher(ports.cipher);
  const transform = createTransformer(ports.transforms ?? []);
  const newLeaseId = ports.newLeaseId ?? (() => randomBytes(9).toString('base64url'));
  return {
    stores,
    api,
    intake,
    sweeper: { due: deliveries, wakeUps, now, log, ...(ports.metrics && { metrics: ports.metrics }) } as SweeperDeps,
    /**
     * The worker's dependencies. Call once per container (once per invocation locally): concurrent updates of one
     * endpoint's state in it are combined into one read and one write (`CombiningStateStore`).
     */
    worker(): WorkerDeps {
      return {
        ...common,
        resolver,
        sender,
        cipher,
        ssrf,
        transform,
        random: ports.random ?? Math.random,
        claimLeaseMs: ports.claimLeaseMs ?? outboundClaimLeaseSeconds() * 1000,
        newClaimToken: newLeaseId,
        ...(ports.metrics && { metrics: ports.metrics }),
        admission: {
          ...operations,
          store: new CombiningStateStore(stores.state),
          newLeaseId,
          rateWaitMs: ports.rateWaitMs ?? RATE_WAIT_MS,
        },
      };
    },
  };
}
