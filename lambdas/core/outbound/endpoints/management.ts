/**
 * Endpoint management: create, read, update, enable/disable, rotate the secret, delete. Input is validated by the
 * model's schemas; a URL is checked against the SSRF guard at registration (and again before every attempt, in
 * delivery/attempt.ts); the secret is generated here and returned only by create and rotate: list and get never
 * carry it. Extra header values are sealed like the secrets and never returned: the view has their names only.
 * Disabling an endpoint by hand publishes `endpoint.disabled` (trigger `manual`), enabling it `endpoint.enabled`.
 */
import { BadRequestError } from '../../kernel/errors';
import { describeIssues } from '../../kernel/issues';
import type { Clock, Topic } from '../../kernel/ports';
import type { OperationsSettings } from '../admission/settings';
import type { EndpointStateStore } from '../admission/state-store';
import { endpointDisabled, endpointEnabled, toTopicMessage, type Notification } from '../admission/notifications';
import { NotFoundError, UrlRefusedError } from '../errors';
import { endpointCreateSchema, endpointUpdateSchema, type Endpoint } from '../model';
import type { EndpointRepository, Resolver, SecretCipher } from '../ports';
import { checkAgainstSchedule, DEFAULT_RETENTION, longestScheduleMs, type RetentionSettings } from '../retention';
import { DEFAULT_ROTATION_GRACE_MS, generateSecret, rotateSecrets, sealSecrets } from '../delivery/signing';
import { checkUrl, type SsrfPolicy } from '../delivery/ssrf';
import { headerNames, sealHeaders, sealLegacyHeaders } from '../delivery/sealed-headers';

export interface ManagementDeps {
  readonly endpoints: EndpointRepository;
  readonly cipher: SecretCipher;
  readonly resolver: Resolver;
  readonly ssrf: SsrfPolicy;
  readonly now: Clock;
  /** A new endpoint id, e.g. `ep_` + random. */
  readonly newId: () => string;
  /** @default DEFAULT_ROTATION_GRACE_MS */
  readonly rotationGraceMs?: number;
  /**
   * The endpoint state and operations topic: re-enabling an endpoint resets its breaker and failing clock and
   * publishes `endpoint.enabled`; disabling it publishes `endpoint.disabled`. @default none (state untouched,
   * nothing published)
   */
  readonly operations?: {
    readonly store: EndpointStateStore;
    readonly notifications: Topic;
    readonly settings?: OperationsSettings;
  };
  /** The stack's retention: a custom retry schedule must end before its deliveries expire. @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
}

/**
 * An endpoint as the API shows it: everything but the secrets and the header values (only their names), plus until
 * when a rotated-out secret still signs.
 */
export type EndpointView = Omit<Endpoint, 'secrets' | 'sealedHeaders' | 'headers'> & {
  readonly headerNames: readonly string[];
  readonly previousSecretExpiresAt?: number;
};

export function toView(e: Endpoint): EndpointView {
  const { secrets, sealedHeaders: _sealed, headers: _legacy, ...rest } = e;
  return {
    ...rest,
    headerNames: headerNames(e),
    ...(secrets.previous && { previousSecretExpiresAt: secrets.previous.expiresAt }),
  };
}

export async function createEndpoint(
  tenantId: string,
  input: unknown,
  deps: ManagementDeps,
): Promise<{ endpoint: EndpointView; secret: string }> {
  const parsed = endpointCreateSchema.safeParse(input);
  if (!parsed.success) throw new BadRequestError(describeIssues(parsed.error.issues));
  assertScheduleFits(parsed.data.retryDelaysSeconds, deps.retention);
  await assertSafeUrl(parsed.data.url, deps);
  const endpointId = deps.newId();
  const secret = generateSecret();
  const now = deps.now();
  const context = { tenantId, endpointId };
  const { headers, ...fields } = parsed.data;
  const endpoint: Endpoint = {
    tenantId,
    endpointId,
    ...fields,
    sealedHeaders: await sealHeaders(headers, deps.cipher, context),
    secrets: await sealSecrets({ current: secret }, deps.cipher, context),
    createdAt: now,
    updatedAt: now,
  };
  if (!(await deps.endpoints.create(endpoint))) throw new Error(`endpoint id ${endpointId} already exists`);
  return { endpoint: toView(endpoint), secret };
}

export async function listEndpoints(
  tenantId: string,
  deps: Pick<ManagementDeps, 'endpoints'>,
): Promise<EndpointView[]> {
  return (await deps.endpoints.listByTenant(tenantId)).map(toView).sort((a, b) => a.createdAt - b.createdAt);
}

export async function getEndpoint(
  tenantId: string,
  endpointId: string,
  deps: Pick<ManagementDeps, 'endpoints'>,
): Promise<EndpointView> {
  const e = await deps.endpoints.get(tenantId, endpointId);
  if (!e) throw new NotFoundError('endpoint');
  return toView(e);
}

/**
 * Applies a partial update; re-enabling clears the reason it was disabled for and (with `operations`) resets the
 * breaker and the failing clock (health.ts `reenable`) and publishes `endpoint.enabled`.
 */
export async function updateEndpoint(
  tenantId: string,
  endpointId: string,
  input: unknown,
  deps: ManagementDeps,
): Promise<EndpointView> {
  const parsed = endpointUpdateSchema.safeParse(input);
  if (!parsed.success) throw new BadRequestError(describeIssues(parsed.error.issues));
  if (Object.keys(parsed.data).length === 0) throw new BadRequestError('Nothing to update.');
  assertScheduleFits(parsed.data.retryDelaysSeconds, deps.retention);
  if (parsed.data.url !== undefined) await assertSafeUrl(parsed.data.url, deps);
  let wasDisabled = false;
  const { circuit, health, rateLimit, headers, ...rest } = parsed.data;
  const updated = await deps.endpoints.modify(tenantId, endpointId, async (e) => {
    wasDisabled = !e.enabled;
    const sealed =
      headers === undefined
        ? await sealLegacyHeaders(e, deps.cipher)
        : {
            ...withoutLegacyHeaders(e),
            sealedHeaders: await sealHeaders(headers, deps.cipher, { tenantId, endpointId }),
          };
    const next: Endpoint = { ...withSettings(sealed, { circuit, health, rateLimit }), ...rest, updatedAt: deps.now() };
    if (parsed.data.enabled === true) delete (next as { disabledReason?: string }).disabledReason;
    if (parsed.data.enabled === false && e.enabled) return { ...next, disabledReason: 'disabled by the tenant' };
    return next;
  });
  if (!updated) throw new NotFoundError('endpoint');
  if (wasDisabled && updated.enabled && deps.operations) await reenabled(updated, deps.now(), deps.operations);
  if (!wasDisabled && !updated.enabled && deps.operations)
    await publish(deps.operations, endpointDisabled({ tenantId, endpointId, at: updated.updatedAt, reason: 'manual' }));
  return toView(updated);
}

/** Sets (an object) or removes (null) the endpoint's own settings objects; undefined leaves them. */
function withSettings(
  e: Endpoint,
  change: {
    circuit?: Endpoint['circuit'] | null;
    health?: Endpoint['health'] | null;
    rateLimit?: Endpoint['rateLimit'] | null;
  },
): Endpoint {
  const next: { -readonly [K in keyof Endpoint]: Endpoint[K] } = { ...e };
  for (const key of ['circuit', 'health', 'rateLimit'] as const) {
    if (change[key] === null) delete next[key];
    else if (change[key] !== undefined) (next as Record<string, unknown>)[key] = change[key];
  }
  return next;
}

function withoutLegacyHeaders(e: Endpoint): Endpoint {
  const { headers: _legacy, ...rest } = e;
  return rest;
}

async function reenabled(e: Endpoint, nowMs: number, ops: NonNullable<ManagementDeps['operations']>): Promise<void> {
  const base = { tenantId: e.tenantId, endpointId: e.endpointId };
  await ops.store.reset(base);
  await publish(ops, endpointEnabled({ ...base, at: nowMs, trigger: 'manual' }));
}

async function publish(ops: NonNullable<ManagementDeps['operations']>, n: Notification): Promise<void> {
  const m = toTopicMessage(n);
  await ops.notifications.publishBatch([{ id: m.deduplicationId, message: m.message, attributes: m.attributes }]);
}

/** A new secret, returned once; the old one keeps signing for the grace period. */
export async function rotateEndpointSecret(
  tenantId: string,
  endpointId: string,
  deps: ManagementDeps,
): Promise<{ endpoint: EndpointView; secret: string }> {
  let secret = '';
  const context = { tenantId, endpointId };
  const updated = await deps.endpoints.modify(tenantId, endpointId, async (e) => {
    const now = deps.now();
    const current = await deps.cipher.decrypt(e.secrets.current, context);
    const rotated = rotateSecrets({ current }, now, { graceMs: deps.rotationGraceMs ?? DEFAULT_ROTATION_GRACE_MS });
    secret = rotated.newSecret;
    const sealed = await sealLegacyHeaders(e, deps.cipher);
    return { ...sealed, secrets: await sealSecrets(rotated.secrets, deps.cipher, context), updatedAt: now };
  });
  if (!updated) throw new NotFoundError('endpoint');
  return { endpoint: toView(updated), secret };
}

export async function deleteEndpoint(
  tenantId: string,
  endpointId: string,
  deps: Pick<ManagementDeps, 'endpoints'>,
): Promise<void> {
  if (!(await deps.endpoints.remove(tenantId, endpointId))) throw new NotFoundError('endpoint');
}

/**
 * Refuses a custom retry schedule that can outlast the deliveries' retention (`checkAgainstSchedule` of
 * retention.ts): its last retries would find the delivery deleted.
 */
function assertScheduleFits(
  delaysSeconds: readonly number[] | undefined,
  retention: RetentionSettings = DEFAULT_RETENTION,
): void {
  if (delaysSeconds === undefined) return;
  try {
    checkAgainstSchedule(retention, delaysSeconds);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const longestDays = Math.ceil(longestScheduleMs(delaysSeconds) / 86_400_000);
    throw new BadRequestError(
      `retryDelaysSeconds: this schedule can take up to ${longestDays} days (each delay +20 % jitter, or up to 24 h when the receiver sends Retry-After), ` +
        `but deliveries are kept ${retention.deliveriesDays} days: its last retries would find the delivery gone. Use fewer or shorter delays.`,
    );
  }
}

async function assertSafeUrl(url: string, deps: Pick<ManagementDeps, 'resolver' | 'ssrf'>): Promise<void> {
  const checked = await checkUrl(url, deps.resolver, deps.ssrf);
  if (!checked.ok) throw new UrlRefusedError(checked.reason);
}
