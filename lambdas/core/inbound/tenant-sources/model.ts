/**
 * A tenant source: a webhook source a tenant creates at run time (`/v1/tenants/{tenant}/sources`), described once
 * (zod/mini) from the same shared fields a config source has (source-schema.ts), plus what only a tenant source
 * carries: its tenant, its URL token, whether it is enabled, and its sealed secrets. The API's JSON is
 * `tenantSourceViewSchema`; nothing secret is in it. Its names and paths (names.ts) are apart, zod-free: the verifier
 * resolves tenant sources with them and does not build these API schemas at its cold start.
 */
import * as z from 'zod/mini';
import type { SchemeName } from '../../signatures/index';
import {
  allowedCidrsSchema,
  fieldLocatorSchema,
  rateLimitSchema,
  sharedSourceFields,
  toleranceSchema,
} from '../source-schema';
import { qualifiedName, sourcePath, TENANT_ID } from '../source-names';

/** The largest body a source accepts when it does not say (the config's default too). */
export const DEFAULT_MAX_BODY_BYTES = 200 * 1024;
const MAX_SECRET_LENGTH = 1024;

export const tenantIdSchema = z
  .string({ error: 'expected a string' })
  .check(z.regex(TENANT_ID, 'must be 1-64 letters, digits, _ or -'));

const secretText = z
  .string({ error: 'expected a string' })
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(MAX_SECRET_LENGTH, `must be at most ${MAX_SECRET_LENGTH} characters`),
  );
const dedupeDays = z
  .int({ error: 'expected an integer' })
  .check(z.minimum(1, 'must be from 1 to 365 days'), z.maximum(365, 'must be from 1 to 365 days'));
const description = z.string({ error: 'expected a string' }).check(z.maxLength(200, 'must be at most 200 characters'));
const options = z.record(z.string(), z.unknown(), { error: 'expected an object' });

/** The settings a tenant may change after creation (every one but the id and the scheme). */
const settings = {
  options: z._default(options, () => ({})),
  toleranceSeconds: sharedSourceFields.toleranceSeconds,
  maxBodyBytes: z._default(sharedSourceFields.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
  allowedCidrs: sharedSourceFields.allowedCidrs,
  eventId: sharedSourceFields.eventId,
  eventType: sharedSourceFields.eventType,
  rateLimit: sharedSourceFields.rateLimit,
  /** How long an event id is remembered for deduplication. */
  dedupeWindowDays: z._default(dedupeDays, 7),
  enabled: z._default(z.boolean({ error: 'expected true or false' }), true),
  description: z.optional(description),
};

/** `POST /v1/tenants/{tenant}/sources`: the secret is given (a provider issued it) or generated (see management.ts). */
export const sourceCreateSchema = z.strictObject({
  id: sharedSourceFields.id,
  scheme: sharedSourceFields.scheme,
  ...settings,
  secret: z.optional(secretText),
  /** Meta's subscription check: the verify token (generated when absent). */
  verifyToken: z.optional(secretText),
});
export type SourceCreateInput = z.output<typeof sourceCreateSchema>;

/** `PATCH …/sources/{source}`: only the fields given change; `null` removes an optional one. */
export const sourceUpdateSchema = z.strictObject({
  options: z.optional(options),
  toleranceSeconds: z.optional(z.nullable(toleranceSchema)),
  maxBodyBytes: z.optional(sharedSourceFields.maxBodyBytes),
  allowedCidrs: z.optional(allowedCidrsSchema),
  eventId: z.optional(z.nullable(fieldLocatorSchema)),
  eventType: z.optional(z.nullable(fieldLocatorSchema)),
  rateLimit: z.optional(z.nullable(rateLimitSchema)),
  dedupeWindowDays: z.optional(dedupeDays),
  enabled: z.optional(z.boolean({ error: 'expected true or false' })),
  description: z.optional(z.nullable(description)),
});
export type SourceUpdateInput = z.output<typeof sourceUpdateSchema>;

/** `POST …/sources/{source}/rotate-secret`: the new secret (or generated), and how long the old one still verifies. */
export const rotateSecretSchema = z.strictObject({
  secret: z.optional(secretText),
  /** @default 24 h, at most 7 days */
  graceSeconds: z.optional(
    z
      .int({ error: 'expected an integer' })
      .check(
        z.minimum(0, 'must be from 0 to 604800 (7 days)'),
        z.maximum(604_800, 'must be from 0 to 604800 (7 days)'),
      ),
  ),
});

type Settings = z.output<z.ZodMiniObject<typeof settings>>;

/** A tenant source as stored: its settings, its URL token and its secrets, sealed (KMS). */
export interface TenantSource extends Omit<Settings, 'description'> {
  readonly tenantId: string;
  readonly id: string;
  readonly scheme: SchemeName;
  readonly description?: string | undefined;
  /** The URL's unguessable part, fixed at creation. */
  readonly token: string;
  /** `HeldSecrets` as JSON, encrypted and bound to (tenant, source) (secrets.ts). */
  readonly sealedSecrets: string;
  /** Until when (epoch ms) a rotated-out secret still verifies, when one does. */
  readonly previousSecretExpiresAt?: number | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

const locator = z.union([z.object({ header: z.string() }), z.object({ bodyPath: z.string() })]);

/** A tenant source as the API shows it: everything but its secrets. Times are epoch ms. */
export const tenantSourceViewSchema = z.object({
  tenant: z.string(),
  id: z.string(),
  scheme: z.string(),
  options: z.record(z.string(), z.unknown()),
  toleranceSeconds: z.optional(z.number()),
  maxBodyBytes: z.number(),
  allowedCidrs: z.array(z.string()),
  eventId: z.optional(locator),
  eventType: z.optional(locator),
  rateLimit: z.optional(z.object({ perSecond: z.number(), burst: z.number() })),
  dedupeWindowDays: z.number(),
  enabled: z.boolean(),
  description: z.optional(z.string()),
  /** The name its events carry (`source` attribute): `<tenant>.<id>`. */
  source: z.string(),
  /** Where the provider delivers: `/webhooks/t/<tenant>/<id>/<token>` (the API adds `url`, with its host). */
  path: z.string(),
  url: z.optional(z.string()),
  previousSecretExpiresAt: z.optional(z.number()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TenantSourceView = z.output<typeof tenantSourceViewSchema>;

export function toView(s: TenantSource): TenantSourceView {
  const { tenantId, sealedSecrets: _sealed, token: _token, previousSecretExpiresAt, ...rest } = s;
  return {
    tenant: tenantId,
    ...rest,
    options: { ...rest.options },
    allowedCidrs: [...rest.allowedCidrs],
    source: qualifiedName(tenantId, s.id),
    path: sourcePath(s),
    ...(previousSecretExpiresAt !== undefined && { previousSecretExpiresAt }),
  };
}
