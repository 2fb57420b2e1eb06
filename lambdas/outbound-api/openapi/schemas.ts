/**
 * The schemas the OpenAPI document is made of, each named once in `components`. Request bodies are the very schemas
 * the handlers parse with (endpoint input, message body, session and test-event input); answers are described here
 * from the core's types, and the contract test (test/handlers/openapi-contract.test.ts) runs every route through the
 * handler and checks its answer against them, so the two cannot drift apart.
 */
import * as z from 'zod/mini';
import { circuitSettingsSchema, healthSettingsSchema } from '../../core/outbound/admission/settings';
import { testEventInputSchema } from '../../core/outbound/endpoints/test-event';
import { messageBodySchema } from '../../core/outbound/intake/message-body';
import {
  rotateSecretSchema,
  sourceCreateSchema,
  sourceUpdateSchema,
  tenantSourceViewSchema,
} from '../../core/inbound/tenant-sources/model';
import { DELIVERY_STATUSES, endpointCreateSchema, endpointUpdateSchema } from '../../core/outbound/model';
import { consoleSessionInputSchema, portalSessionInputSchema } from '../../core/portal/sessions';

const ms = z.int().check(z.minimum(0));
const count = z.int().check(z.minimum(0));

export const errorSchema = z.strictObject({ error: z.string(), message: z.string() });

export const endpointViewSchema = z.extend(z.omit(endpointCreateSchema, { headers: true }), {
  /** The extra headers' names: their values are sealed and never shown. */
  headerNames: z.array(z.string()),
  tenantId: z.string(),
  endpointId: z.string(),
  disabledReason: z.optional(z.string()),
  createdAt: ms,
  updatedAt: ms,
  /** Until when the secret replaced by the last rotation still signs. */
  previousSecretExpiresAt: z.optional(ms),
});

export const endpointWithSecretSchema = z.strictObject({
  endpoint: endpointViewSchema,
  /** The signing secret (`whsec_…`): shown here only, once. */
  secret: z.string(),
});

const windowSchema = z.strictObject({
  attempts: count,
  successes: count,
  successRate: z.optional(z.number().check(z.gte(0), z.lte(1))),
  p50Ms: z.optional(ms),
  p99Ms: z.optional(ms),
  sampled: z.optional(z.literal(true)),
});

const bucketSchema = z.extend(windowSchema, { at: ms });

export const endpointStatusSchema = z.strictObject({
  endpoint: endpointViewSchema,
  status: z.strictObject({
    state: z.string(),
    enabled: z.boolean(),
    disabledReason: z.optional(z.string()),
    circuit: z.strictObject({
      phase: z.enum(['closed', 'open', 'half-open']),
      reason: z.optional(z.enum(['consecutive_failures', 'failure_rate'])),
      openedAt: z.optional(ms),
      openUntil: z.optional(ms),
      probeUntil: z.optional(ms),
    }),
    health: z.strictObject({ failingSince: z.optional(ms), disableAt: z.optional(ms) }),
    settings: z.strictObject({ circuit: circuitSettingsSchema, health: healthSettingsSchema }),
    lastHour: windowSchema,
    lastDay: windowSchema,
    deliveries: z.strictObject({
      pending: count,
      parked: count,
      failed: count,
      exhausted: count,
      skipped: count,
      delivered: count,
      sampled: z.optional(z.literal(true)),
    }),
    series: z.strictObject({ lastHour: z.array(bucketSchema), lastDay: z.array(bucketSchema) }),
  }),
});

export const deliverySchema = z.strictObject({
  tenantId: z.string(),
  deliveryId: z.string(),
  messageId: z.string(),
  /** The message's event type (absent on deliveries made before it was kept). */
  type: z.optional(z.string()),
  endpointId: z.string(),
  status: z.enum(DELIVERY_STATUSES as [string, ...string[]]),
  attemptCount: count,
  probes: z.optional(count),
  scheduleBase: z.optional(count),
  /** The recovery runs (`rcv_…`) that sent this delivery again. */
  recoveryIds: z.optional(z.array(z.string())),
  nextAttemptAt: z.optional(ms),
  skipReason: z.optional(z.string()),
  exhaustedNotifiedAt: z.optional(ms),
  createdAt: ms,
  updatedAt: ms,
});

export const attemptSchema = z.strictObject({
  tenantId: z.string(),
  deliveryId: z.string(),
  endpointId: z.string(),
  messageId: z.string(),
  number: z.int().check(z.minimum(1)),
  at: ms,
  /** Absent for an attempt of `unknown` outcome: its worker died before the answer. */
  latencyMs: z.optional(ms),
  /** The receiver's HTTP status; absent when no response came (`error` says why). */
  status: z.optional(z.int()),
  error: z.optional(z.enum(['timeout', 'dns', 'tls', 'connection', 'blocked', 'unknown'])),
  errorDetail: z.optional(z.string()),
  /** At most 4 KiB of the receiver's response body. */
  responseBody: z.optional(z.string()),
  responseBodyTruncated: z.optional(z.boolean()),
  probe: z.optional(z.literal(true)),
});

const cursor = z.optional(z.string());

export const messageSummarySchema = z.strictObject({
  tenantId: z.string(),
  id: z.string(),
  type: z.string(),
  createdAt: ms,
  expiresAt: ms,
  fannedOutAt: z.optional(ms),
});

export const recoveryRunRecordSchema = z.strictObject({
  recoveryId: z.string(),
  kind: z.enum(['recover', 'replay']),
  tenantId: z.string(),
  endpointId: z.optional(z.string()),
  since: ms,
  until: z.optional(ms),
  type: z.optional(z.string()),
  label: z.optional(z.string()),
  runs: count,
  startedAt: ms,
  updatedAt: ms,
  finishedAt: z.optional(ms),
  done: z.boolean(),
  error: z.optional(z.string()),
  examined: count,
  position: z.optional(ms),
  queued: count,
  alreadyQueued: count,
  notRecoverable: z.optional(count),
  matched: z.optional(count),
});

export const eventTypeViewSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  /** The payload's JSON Schema (2020-12). */
  schema: z.record(z.string(), z.unknown()),
  example: z.unknown(),
  deprecated: z.optional(z.literal(true)),
});

export const portalSessionSchema = z.strictObject({
  url: z.string(),
  token: z.string(),
  tenant: z.string(),
  scope: z.enum(['read', 'write']),
  expiresAt: z.string(),
});

/** Every named schema: request bodies (read as input: defaults optional) and answers (as output). */
export const REQUEST_SCHEMAS = {
  EndpointCreate: endpointCreateSchema,
  EndpointUpdate: endpointUpdateSchema,
  MessageBody: messageBodySchema,
  PortalSessionInput: portalSessionInputSchema,
  ConsoleSessionInput: consoleSessionInputSchema,
  TestEventInput: testEventInputSchema,
  SourceCreate: sourceCreateSchema,
  SourceUpdate: sourceUpdateSchema,
  SourceRotate: rotateSecretSchema,
} as const;

export const RESPONSE_SCHEMAS = {
  Error: errorSchema,
  Endpoint: endpointViewSchema,
  EndpointWithSecret: endpointWithSecretSchema,
  EndpointList: z.strictObject({ endpoints: z.array(endpointViewSchema) }),
  EndpointOne: z.strictObject({ endpoint: endpointViewSchema }),
  EndpointDeleted: z.strictObject({ deleted: z.string() }),
  EndpointStatus: endpointStatusSchema,
  MessageAccepted: z.strictObject({
    status: z.enum(['accepted', 'duplicate']),
    id: z.string(),
    /** Deliveries to be attempted. */
    deliveries: count,
    /** Deliveries recorded as skipped (disabled endpoints): `endpoints recover` sends them later. */
    skipped: count,
  }),
  Delivery: deliverySchema,
  Attempt: attemptSchema,
  DeliveryList: z.strictObject({ deliveries: z.array(deliverySchema), cursor }),
  MessageSummary: messageSummarySchema,
  MessageList: z.strictObject({ messages: z.array(messageSummarySchema), cursor }),
  MessageDetail: z.strictObject({
    /** The payload is the JSON text exactly as received. */
    message: z.extend(messageSummarySchema, { payload: z.string() }),
    deliveries: z.array(deliverySchema),
    /** False when the read of its deliveries stopped at its bound (an old message replayed after many others). */
    complete: z.boolean(),
  }),
  RecoveryRunRecord: z.strictObject({ recovery: recoveryRunRecordSchema }),
  DeliveryDetail: z.strictObject({ delivery: deliverySchema, attempts: z.array(attemptSchema) }),
  DeliveryOne: z.strictObject({ delivery: deliverySchema }),
  RecoveryRun: z.strictObject({ recoveryId: z.string(), queued: count, alreadyQueued: count, notRecoverable: count }),
  ReplayRun: z.strictObject({ replayId: z.string(), matched: count, queued: count, alreadyQueued: count }),
  TestEventSent: z.strictObject({
    message: z.strictObject({ id: z.string(), type: z.string() }),
    delivery: deliverySchema,
  }),
  PortalSession: portalSessionSchema,
  PortalSessionInfo: z.strictObject({ tenant: z.string(), scope: z.enum(['read', 'write']), expiresAt: z.string() }),
  ConsoleSession: z.omit(portalSessionSchema, { tenant: true }),
  ConsoleSessionInfo: z.strictObject({ scope: z.enum(['read', 'write']), expiresAt: z.string() }),
  /** The console's own reads: the shapes of core/console/ports.ts, for its page rather than for integrations. */
  ConsoleData: z.record(z.string(), z.unknown()),
  EventType: eventTypeViewSchema,
  EventTypeCatalog: z.strictObject({
    validation: z.enum(['catalogued', 'strict', 'off']),
    eventTypes: z.array(eventTypeViewSchema),
  }),
  OpenApiDocument: z.record(z.string(), z.unknown()),
  Source: tenantSourceViewSchema,
  SourceCreated: z.strictObject({
    source: tenantSourceViewSchema,
    /** The secret, when the stack generated it: shown here only, once. */
    secret: z.optional(z.string()),
    /** Meta's subscription check token, when generated: shown here only, once. */
    verifyToken: z.optional(z.string()),
  }),
  SourceList: z.strictObject({ sources: z.array(tenantSourceViewSchema), cursor }),
  SourceOne: z.strictObject({ source: tenantSourceViewSchema }),
  SourceDeleted: z.strictObject({ deleted: z.string() }),
} as const;

export type RequestSchemaName = keyof typeof REQUEST_SCHEMAS;
export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;
