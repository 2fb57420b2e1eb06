/**
 * The outbound delivery model: tenants own endpoints; a message fans out to one delivery per
 * (message, endpoint); a delivery keeps its attempts. Plus the schema of endpoint create/update input.
 */
import * as z from 'zod/mini';
import { SCHEME_NAMES, schemes, type SchemeName } from '../signatures/index';
import { endpointUrl } from './endpoint-url';
import { isFilterPattern } from './event-filter';
import {
  circuitSettingsSchema,
  healthSettingsSchema,
  type CircuitSettings,
  type HealthSettings,
} from './admission/settings';

// ---------------------------------------------------------------------------------------------
// Records

export interface Tenant {
  readonly tenantId: string;
  readonly name: string;
  readonly createdAt: number;
}

/** Inbound schemes an endpoint may be signed with (standard-webhooks is the native default, not listed here). */
export type InboundSigningScheme = Exclude<SchemeName, 'standard-webhooks'>;

export type SigningConfig =
  | { readonly scheme: 'standard-webhooks' }
  /** `X-WSS-Signature`: hex HMAC-SHA256 over the timestamp followed by the raw body. */
  | { readonly scheme: 'wss'; readonly timestampFormat: 'epoch' | 'iso8601' }
  /** Any inbound scheme's `sign()`, for receivers that already verify it; options checked by its `optionsSchema`. */
  | { readonly scheme: InboundSigningScheme; readonly options: Readonly<Record<string, unknown>> };

/** Signing secrets as stored: ciphertexts from the `SecretCipher`, never plaintext. */
export interface StoredSecrets {
  readonly current: string;
  /** The secret replaced by the last rotation, still signed with until `expiresAt` (epoch ms). */
  readonly previous?: { readonly ciphertext: string; readonly expiresAt: number };
}

export interface RateLimit {
  /** Sustained requests per second to this endpoint. */
  readonly perSecond: number;
  /** Requests allowed in a burst above the sustained rate. */
  readonly burst: number;
}

export interface Endpoint {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly url: string;
  readonly description: string;
  /** Event-type patterns (event-filter.ts); at least one. */
  readonly filterTypes: readonly string[];
  /**
   * Extra request headers: lower-cased name → value sealed by the `SecretCipher` with the endpoint's context, like
   * the signing secrets (receivers put credentials there: `authorization`, `x-api-key`). Never the signature or
   * transport headers. The API shows the names only (sealed-headers.ts).
   */
  readonly sealedHeaders?: Readonly<Record<string, string>>;
  /**
   * Legacy: plaintext headers of an endpoint stored before headers were sealed: sent as they are, never shown,
   * and sealed into `sealedHeaders` at the endpoint's next change (sealed-headers.ts `sealLegacyHeaders`).
   */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signing: SigningConfig;
  readonly secrets: StoredSecrets;
  readonly enabled: boolean;
  /** Why it was disabled, e.g. `410 Gone`. */
  readonly disabledReason?: string;
  /** Enforced by the delivery worker's admission gate (admission/gate.ts), shared by all workers. */
  readonly rateLimit?: RateLimit;
  /** Its own circuit breaker settings, every field filled in; absent: the stack's defaults (circuit.ts). */
  readonly circuit?: CircuitSettings;
  /** Its own automatic-disabling settings; absent: the stack's defaults (health.ts). */
  readonly health?: HealthSettings;
  readonly timeoutSeconds: number;
  /** Delays before each retry, overriding the default schedule (delivery/retry-schedule.ts). */
  readonly retryDelaysSeconds?: readonly number[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A message as accepted, once per (tenant, id). `payload` is the JSON text exactly as received. */
export interface MessageRecord {
  readonly tenantId: string;
  readonly id: string;
  readonly type: string;
  readonly payload: string;
  /** SHA-256 (hex) of type and payload: tells a retry of the same message from a reuse of its id. */
  readonly fingerprint: string;
  readonly createdAt: number;
  /** Epoch ms after which the record (and its idempotency key) may be deleted; at least 24 h after creation. */
  readonly expiresAt: number;
}

/**
 * - `pending`: created, first attempt not yet made;
 * - `delivered`: a 2xx was received;
 * - `failed`: the last attempt failed and another is scheduled at `nextAttemptAt`;
 * - `exhausted`: no attempt left (or 410 Gone); replayable;
 * - `skipped`: not sent: the endpoint was disabled, or the transform declined the message.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'exhausted' | 'skipped';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'exhausted', 'skipped'];
/** Statuses no worker acts on again (a replay creates a new attempt explicitly). */
export const FINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set(['delivered', 'exhausted', 'skipped']);

export interface Delivery {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly messageId: string;
  /** The message's event type, copied at creation (lists show it); absent on deliveries made before it was kept. */
  readonly type?: string;
  readonly endpointId: string;
  readonly status: DeliveryStatus;
  readonly attemptCount: number;
  /** How many of `attemptCount` were circuit probes: logged, but not counted by the retry schedule. */
  readonly probes?: number;
  /**
   * Scheduled attempts (`attemptCount - probes`) made before the delivery was last recovered (recovery/recover.ts): the
   * retry schedule counts only the attempts after them, so a recovered delivery gets the whole schedule again
   * while its attempt log and numbering go on.
   */
  readonly scheduleBase?: number;
  /** Epoch ms of the next attempt, while `pending` or `failed`. */
  readonly nextAttemptAt?: number;
  readonly skipReason?: string;
  /**
   * When `message.attempt.exhausted` was published for its exhaustion (delivery/worker-step.ts); cleared when it is
   * sent again.
   */
  readonly exhaustedNotifiedAt?: number;
  /** The claim a worker holds on the delivery's next attempt while it sends it (claim.ts); absent otherwise. */
  readonly claim?: DeliveryClaim;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A delivery as the API shows it: without the claim, a worker's bookkeeping (its token guards the worker's writes). */
export function deliveryView(d: Delivery): Delivery {
  const { claim: _claim, ...view } = d;
  return view;
}

/**
 * A worker's claim on attempt `attempt` of a delivery: only its holder may send that attempt, and only the holder's
 * result (matched by `token`) is recorded. A claim whose `until` has passed belongs to a worker that died holding
 * it: its attempt is logged with the outcome `unknown` by the next worker that claims the delivery.
 */
export interface DeliveryClaim {
  readonly attempt: number;
  readonly token: string;
  /** When it was taken: the time of the attempt if its worker died. */
  readonly at: number;
  /** The lease: longer than the worker can run. */
  readonly until: number;
  /** Taken to send the circuit's probe (such an attempt does not advance the retry schedule). */
  readonly probe?: true;
}

/**
 * Why an attempt got no HTTP response. `unknown`: its worker died after claiming it, so whether the receiver got the
 * request, and what it answered, is not known (at least once: the next attempt sends it again).
 */
export type AttemptErrorKind = 'timeout' | 'dns' | 'tls' | 'connection' | 'blocked' | 'unknown';

/** One attempt. Holds no request header and no payload: only what the receiver answered. */
export interface Attempt {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly messageId: string;
  /** 1 for the first attempt. */
  readonly number: number;
  readonly at: number;
  /** Absent for an attempt of `unknown` outcome. */
  readonly latencyMs?: number;
  readonly status?: number;
  readonly error?: AttemptErrorKind;
  readonly errorDetail?: string;
  /** At most 4 KiB of the response body. */
  readonly responseBody?: string;
  readonly responseBodyTruncated?: boolean;
  /** Sent as the probe of an open circuit: does not advance the delivery's retry schedule. */
  readonly probe?: true;
}

// ---------------------------------------------------------------------------------------------
// Endpoint input

export const MAX_TIMEOUT_SECONDS = 30;
export const DEFAULT_TIMEOUT_SECONDS = 15;

/** Headers the stack sets itself (transport, identity, signatures): a tenant may not set or override them. */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'user-agent',
]);
const FORBIDDEN_HEADER_PREFIXES = ['webhook-', 'svix-', 'x-wss-', 'proxy-', 'sec-'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
/** Visible ASCII, space and tab: no CR/LF (header injection), no NUL. */
const HEADER_VALUE = /^[\t\x20-\x7e]{0,1024}$/;

/** Why a header name may not be configured, or undefined when it may. */
export function forbiddenHeaderReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (!HEADER_NAME.test(name)) return 'is not an HTTP header name';
  if (FORBIDDEN_HEADERS.has(lower)) return 'is set by the stack';
  const prefix = FORBIDDEN_HEADER_PREFIXES.find((p) => lower.startsWith(p));
  return prefix ? `starts with ${prefix}, which the stack reserves` : undefined;
}

const headers = z.pipe(
  z
    .record(z.string(), z.string().check(z.regex(HEADER_VALUE, 'must be at most 1024 printable ASCII characters')))
    .check(
      z.refine((h) => Object.keys(h).length <= 20, 'at most 20 headers'),
      z.superRefine((h, ctx) => {
        for (const name of Object.keys(h)) {
          const reason = forbiddenHeaderReason(name);
          if (reason) ctx.addIssue({ code: 'custom', path: [name], message: `header ${name} ${reason}` });
        }
      }),
    ),
  z.transform((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))),
);

const INBOUND_SCHEMES = SCHEME_NAMES.filter((s): s is InboundSigningScheme => s !== 'standard-webhooks');

const signing = z.union([
  z.strictObject({ scheme: z.literal('standard-webhooks') }),
  z.strictObject({ scheme: z.literal('wss'), timestampFormat: z._default(z.enum(['epoch', 'iso8601']), 'epoch') }),
  z
    .strictObject({
      scheme: z.enum(INBOUND_SCHEMES as [InboundSigningScheme, ...InboundSigningScheme[]]),
      options: z._default(z.record(z.string(), z.unknown()), {}),
    })
    .check(
      z.superRefine((s, ctx) => {
        const parsed = schemes[s.scheme].optionsSchema.safeParse(s.options);
        if (!parsed.success) {
          for (const issue of parsed.error.issues)
            ctx.addIssue({ code: 'custom', path: ['options', ...issue.path.map(String)], message: issue.message });
        }
      }),
    ),
]);

const fields = {
  url: endpointUrl,
  description: z.string().check(z.maxLength(1024)),
  filterTypes: z
    .array(z.string().check(z.refine(isFilterPattern, 'must be *, <type>.* or an event type')))
    .check(z.minLength(1), z.maxLength(100)),
  headers,
  signing,
  enabled: z.boolean(),
  timeoutSeconds: z.int().check(z.minimum(1), z.maximum(MAX_TIMEOUT_SECONDS)),
  rateLimit: z.strictObject({
    perSecond: z.int().check(z.minimum(1), z.maximum(10_000)),
    burst: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 1),
  }),
  retryDelaysSeconds: z.array(z.int().check(z.minimum(0), z.maximum(48 * 3600))).check(z.minLength(1), z.maxLength(20)),
  // Fields left out take their defaults; the whole object is stored, so what the worker uses is what is shown.
  circuit: circuitSettingsSchema,
  health: healthSettingsSchema,
};

/** What a tenant sends to create an endpoint. Secrets are never input: the stack generates them. */
export const endpointCreateSchema = z.strictObject({
  url: fields.url,
  description: z._default(fields.description, ''),
  filterTypes: z._default(fields.filterTypes, ['*']),
  headers: z._default(fields.headers, {}),
  signing: z._default(fields.signing, { scheme: 'standard-webhooks' }),
  enabled: z._default(fields.enabled, true),
  timeoutSeconds: z._default(fields.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS),
  rateLimit: z.optional(fields.rateLimit),
  retryDelaysSeconds: z.optional(fields.retryDelaysSeconds),
  circuit: z.optional(fields.circuit),
  health: z.optional(fields.health),
});
export type EndpointCreateInput = z.output<typeof endpointCreateSchema>;

/**
 * What a tenant sends to change an endpoint: any subset of the create fields, nothing defaulted. `circuit` and
 * `health` replace the endpoint's whole settings object (fields left out take the defaults); `null` removes it, as
 * it removes a `rateLimit`. `headers` replaces every extra header (their values are never shown, so they cannot
 * be merged); `{}` removes them.
 */
export const endpointUpdateSchema = z.partial(
  z.strictObject({
    ...fields,
    circuit: z.nullable(fields.circuit),
    health: z.nullable(fields.health),
    rateLimit: z.nullable(fields.rateLimit),
  }),
);
export type EndpointUpdateInput = z.output<typeof endpointUpdateSchema>;

/** An attempt succeeded: the receiver answered 2xx (the retry schedule, the breaker and the stats agree). */
export function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}
