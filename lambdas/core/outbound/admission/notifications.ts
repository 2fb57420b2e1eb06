/**
 * Operator notifications, published to the SNS operations topic: one JSON envelope, versioned, per event.
 * Documented in docs/outbound-notifications.md (keep the two in step: the test checks every example there
 * against these schemas).
 *
 * A notification names things by id and says what happened and when; it never carries a payload, a
 * response body, a header, a secret or the endpoint URL (URLs often carry tokens in their query).
 * `id` is derived from the event, so a notification published twice (a retried worker) has the same id and
 * a consumer can drop the duplicate.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { CircuitEvent } from './circuit';
import type { HealthEvent } from './health';
import type { AttemptErrorKind } from '../model';

export const NOTIFICATION_VERSION = 1;
export const NOTIFICATION_TYPES = [
  'message.attempt.exhausted',
  'endpoint.circuit.opened',
  'endpoint.circuit.closed',
  'endpoint.disabled',
  'endpoint.enabled',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

const id = z.string().check(z.minLength(1), z.maxLength(256));
const time = z.iso.datetime();
const endpointRef = { tenantId: id, endpointId: id };

/** The `data` of each type. */
export const notificationDataSchemas = {
  'message.attempt.exhausted': z.strictObject({
    ...endpointRef,
    messageId: id,
    deliveryId: id,
    messageType: z.string(),
    attempts: z.int().check(z.minimum(1)),
    reason: z.enum(['no_attempts_left', 'gone']),
    lastAttempt: z.strictObject({
      at: time,
      status: z.optional(z.int()),
      error: z.optional(z.enum(['timeout', 'dns', 'tls', 'connection', 'blocked', 'unknown'])),
    }),
  }),
  'endpoint.circuit.opened': z.strictObject({
    ...endpointRef,
    reason: z.enum(['consecutive_failures', 'failure_rate']),
    consecutiveFailures: z.int().check(z.minimum(0)),
    failureRate: z.number().check(z.gte(0), z.lte(1)),
    attemptsInWindow: z.int().check(z.minimum(0)),
    nextProbeAt: time,
  }),
  'endpoint.circuit.closed': z.strictObject({
    ...endpointRef,
    openedAt: time,
    openForSeconds: z.int().check(z.minimum(0)),
  }),
  'endpoint.disabled': z.strictObject({
    ...endpointRef,
    reason: z.enum(['gone', 'failing', 'manual']),
    trigger: z.enum(['automatic', 'manual']),
    failingSince: z.optional(time),
  }),
  'endpoint.enabled': z.strictObject({ ...endpointRef, trigger: z.enum(['manual', 'recovery']) }),
} as const;

export type NotificationData<T extends NotificationType> = z.output<(typeof notificationDataSchemas)[T]>;

export interface Notification<T extends NotificationType = NotificationType> {
  readonly version: typeof NOTIFICATION_VERSION;
  readonly type: T;
  /** `ntf_` + 32 hex: the same event always gets the same id. */
  readonly id: string;
  /** When the event happened (ISO 8601, UTC). */
  readonly timestamp: string;
  readonly data: NotificationData<T>;
}

/** The envelope every notification shares; `data` is checked against its type's schema by `parseNotification`. */
export const notificationEnvelopeSchema = z.strictObject({
  version: z.literal(NOTIFICATION_VERSION),
  type: z.enum(NOTIFICATION_TYPES),
  id: z.string().check(z.regex(/^ntf_[0-9a-f]{32}$/)),
  timestamp: time,
  data: z.record(z.string(), z.unknown()),
});

/** Validates a notification (e.g. one read back from the topic, or an example in the docs). */
export function parseNotification(value: unknown): Notification {
  const envelope = notificationEnvelopeSchema.parse(value);
  const data = notificationDataSchemas[envelope.type].parse(envelope.data);
  return { ...envelope, data } as Notification;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The identity of an event: what makes two publications the same notification. */
function notificationId(type: NotificationType, key: readonly unknown[]): string {
  return `ntf_${createHash('sha256')
    .update(JSON.stringify([type, ...key]))
    .digest('hex')
    .slice(0, 32)}`;
}

function build<T extends NotificationType>(
  type: T,
  atMs: number,
  key: readonly unknown[],
  data: NotificationData<T>,
): Notification<T> {
  // Parsing drops nothing silently: a field not in the schema throws, so a payload or URL cannot slip in.
  const checked = notificationDataSchemas[type].parse(data) as NotificationData<T>;
  return { version: NOTIFICATION_VERSION, type, id: notificationId(type, key), timestamp: iso(atMs), data: checked };
}

interface EndpointRef {
  readonly tenantId: string;
  readonly endpointId: string;
}

export function attemptExhausted(
  input: EndpointRef & {
    readonly messageId: string;
    readonly deliveryId: string;
    readonly messageType: string;
    readonly attempts: number;
    readonly reason: 'no_attempts_left' | 'gone';
    readonly lastAttempt: {
      readonly at: number;
      readonly status?: number;
      readonly error?: AttemptErrorKind;
    };
  },
): Notification<'message.attempt.exhausted'> {
  const { lastAttempt, ...rest } = input;
  const last = {
    at: iso(lastAttempt.at),
    ...(lastAttempt.status === undefined ? {} : { status: lastAttempt.status }),
    ...(lastAttempt.error === undefined ? {} : { error: lastAttempt.error }),
  };
  return build('message.attempt.exhausted', lastAttempt.at, [input.deliveryId, input.attempts], {
    ...pick(rest, ['tenantId', 'endpointId', 'messageId', 'deliveryId', 'messageType', 'attempts', 'reason']),
    lastAttempt: last,
  });
}

export function circuitOpened(
  input: EndpointRef & {
    readonly at: number;
    readonly reason: 'consecutive_failures' | 'failure_rate';
    readonly consecutiveFailures: number;
    readonly failureRate: number;
    readonly attemptsInWindow: number;
    readonly openUntil: number;
  },
): Notification<'endpoint.circuit.opened'> {
  return build('endpoint.circuit.opened', input.at, [input.tenantId, input.endpointId, input.at], {
    ...pick(input, ['tenantId', 'endpointId', 'reason', 'consecutiveFailures', 'failureRate', 'attemptsInWindow']),
    nextProbeAt: iso(input.openUntil),
  });
}

export function circuitClosed(
  input: EndpointRef & { readonly at: number; readonly openedAt: number },
): Notification<'endpoint.circuit.closed'> {
  return build('endpoint.circuit.closed', input.at, [input.tenantId, input.endpointId, input.openedAt], {
    tenantId: input.tenantId,
    endpointId: input.endpointId,
    openedAt: iso(input.openedAt),
    openForSeconds: Math.max(0, Math.round((input.at - input.openedAt) / 1000)),
  });
}

export function endpointDisabled(
  input: EndpointRef & {
    readonly at: number;
    readonly reason: 'gone' | 'failing' | 'manual';
    readonly failingSince?: number;
  },
): Notification<'endpoint.disabled'> {
  return build('endpoint.disabled', input.at, [input.tenantId, input.endpointId, input.at], {
    tenantId: input.tenantId,
    endpointId: input.endpointId,
    reason: input.reason,
    trigger: input.reason === 'manual' ? 'manual' : 'automatic',
    ...(input.failingSince === undefined ? {} : { failingSince: iso(input.failingSince) }),
  });
}

export function endpointEnabled(
  input: EndpointRef & { readonly at: number; readonly trigger: 'manual' | 'recovery' },
): Notification<'endpoint.enabled'> {
  return build('endpoint.enabled', input.at, [input.tenantId, input.endpointId, input.at], {
    tenantId: input.tenantId,
    endpointId: input.endpointId,
    trigger: input.trigger,
  });
}

/**
 * The notifications one settled attempt calls for (gate.ts `settle`): circuit opened or closed, endpoint
 * disabled. A failed probe is logged, not notified: the operator already knows the circuit is open.
 */
export function notificationsForSettlement(
  endpoint: EndpointRef,
  settlement: { readonly circuit: readonly CircuitEvent[]; readonly disable?: HealthEvent },
): Notification[] {
  const out: Notification[] = [];
  for (const e of settlement.circuit) {
    if (e.type === 'circuit.opened') out.push(circuitOpened({ ...endpoint, ...e }));
    else if (e.type === 'circuit.closed') out.push(circuitClosed({ ...endpoint, at: e.at, openedAt: e.openedAt }));
  }
  if (settlement.disable)
    out.push(
      endpointDisabled({
        ...endpoint,
        at: settlement.disable.at,
        reason: settlement.disable.reason,
        failingSince: settlement.disable.failingSince,
      }),
    );
  return out;
}

/** What the topic adapter publishes: the JSON text, and a `type` attribute so subscriptions can filter by type. */
export function toTopicMessage(n: Notification): {
  readonly message: string;
  readonly attributes: { readonly type: NotificationType };
  readonly deduplicationId: string;
} {
  return { message: JSON.stringify(n), attributes: { type: n.type }, deduplicationId: n.id };
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, value[k]])) as Pick<T, K>;
}
