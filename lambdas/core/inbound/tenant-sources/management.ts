/**
 * Tenant sources' management: create, list, read, update, delete, rotate the secret. Input is checked with the
 * model's schemas and the scheme's own options schema, every problem named by its field (`options.header: …`,
 * `secret: …`). A secret is given (providers issue them) or generated (schemes whose receiver chooses it); it is
 * sealed at once and returned only by the call that generated it.
 */
import * as z from 'zod/mini';
import { BadRequestError, NoSuchSourceError, SourceExistsError } from '../../kernel/errors';
import { formatIssues } from '../../kernel/config-parse';
import type { Clock } from '../../kernel/ports';
import { type Scheme, schemes } from '../../signatures/index';
import type { HeldSecrets } from '../sources';
import {
  rotateSecretSchema,
  sourceCreateSchema,
  sourceUpdateSchema,
  tenantIdSchema,
  toView,
  type TenantSource,
  type TenantSourceView,
} from './model';
import type { SourceSecretCipher, TenantSourceRepository } from './ports';
import { DEFAULT_GRACE_MS, generateSourceSecret, generateUrlToken, openSecrets, rotate, sealSecrets } from './secrets';

export interface SourceManagementDeps {
  readonly sources: TenantSourceRepository;
  readonly cipher: SourceSecretCipher;
  readonly now: Clock;
  /** @default node:crypto randomBytes */
  readonly random?: (bytes: number) => Buffer;
}

/** A page of a tenant's sources: 100 by default, at most 1000. */
export const LIST_LIMIT = { default: 100, max: 1000 } as const;

type Issues = { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] };
const badRequest = (error: Issues) => new BadRequestError(formatIssues(error).replaceAll('\n', '; '));

function parse<T>(
  schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: Issues } },
  input: unknown,
): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw badRequest(parsed.error);
  return parsed.data;
}

/** The path's tenant, named `tenant` in the 400. */
const tenantPath = z.object({ tenant: tenantIdSchema });
function checkTenant(tenantId: string): void {
  parse(tenantPath, { tenant: tenantId });
}

/** The scheme's own check of its options, named under `options`. */
function checkOptions(scheme: Scheme<unknown>, options: unknown): void {
  const parsed = scheme.optionsSchema.safeParse(options);
  if (!parsed.success)
    throw badRequest({ issues: parsed.error.issues.map((i) => ({ ...i, path: ['options', ...i.path] })) });
}

function checkSecret(scheme: Scheme<unknown>, field: string, secret: string): void {
  const problem = scheme.checkSecret(secret);
  if (problem) throw new BadRequestError(`${field}: ${problem}`);
}

export async function createSource(
  tenantId: string,
  input: unknown,
  deps: SourceManagementDeps,
): Promise<{ source: TenantSourceView; secret?: string; verifyToken?: string }> {
  checkTenant(tenantId);
  const { secret: given, verifyToken: givenToken, ...fields } = parse(sourceCreateSchema, input);
  const scheme = schemes[fields.scheme] as Scheme<unknown>;
  checkOptions(scheme, fields.options);
  if (given !== undefined) checkSecret(scheme, 'secret', given);
  else if (scheme.secretIssuer === 'provider')
    throw new BadRequestError(
      `secret: required: ${scheme.name} signing secrets are issued by the provider (its webhook settings show it); pass it as "secret"`,
    );
  const subscribes = scheme.handshake?.subscribe !== undefined;
  if (givenToken !== undefined && !subscribes)
    throw new BadRequestError(`verifyToken: ${scheme.name} has no GET subscription check (only meta has)`);
  const secret = given ?? generateSourceSecret(deps.random);
  const verifyToken = subscribes ? (givenToken ?? generateSourceSecret(deps.random)) : undefined;
  const held: HeldSecrets = { current: secret, ...(verifyToken !== undefined && { verifyToken }) };
  const now = deps.now();
  const source: TenantSource = {
    tenantId,
    ...fields,
    token: generateUrlToken(deps.random),
    sealedSecrets: await sealSecrets(held, deps.cipher, { tenantId, sourceId: fields.id }),
    createdAt: now,
    updatedAt: now,
  };
  if (!(await deps.sources.create(source))) throw new SourceExistsError(fields.id);
  return {
    source: toView(source),
    ...(given === undefined && { secret }),
    ...(verifyToken !== undefined && givenToken === undefined && { verifyToken }),
  };
}

export async function listSources(
  tenantId: string,
  query: { readonly limit?: string | undefined; readonly cursor?: string | undefined },
  deps: Pick<SourceManagementDeps, 'sources'>,
): Promise<{ sources: TenantSourceView[]; cursor?: string }> {
  checkTenant(tenantId);
  const limit = query.limit === undefined ? LIST_LIMIT.default : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT.max)
    throw new BadRequestError(`limit: must be an integer from 1 to ${LIST_LIMIT.max}`);
  // The cursor is the last id of the page before (ids sort as they list): not secret, but callers treat it as opaque.
  const page = await deps.sources.list(tenantId, { limit, after: query.cursor });
  return { sources: page.sources.map(toView), ...(page.next !== undefined && { cursor: page.next }) };
}

export async function getSource(
  tenantId: string,
  id: string,
  deps: Pick<SourceManagementDeps, 'sources'>,
): Promise<TenantSourceView> {
  checkTenant(tenantId);
  const found = await deps.sources.get(tenantId, id, true);
  if (!found) throw new NoSuchSourceError();
  return toView(found);
}

/** Changes only the fields given (`null` removes an optional one); enabling or disabling is `{ enabled }`. */
export async function updateSource(
  tenantId: string,
  id: string,
  input: unknown,
  deps: SourceManagementDeps,
): Promise<TenantSourceView> {
  checkTenant(tenantId);
  const change = parse(sourceUpdateSchema, input);
  if (Object.keys(change).length === 0) throw new BadRequestError('Nothing to update.');
  const updated = await deps.sources.modify(tenantId, id, async (current) => {
    if (change.options !== undefined) checkOptions(schemes[current.scheme] as Scheme<unknown>, change.options);
    const next: Record<string, unknown> = { ...current, updatedAt: deps.now() };
    for (const [key, value] of Object.entries(change)) {
      if (value === null) delete next[key];
      else if (value !== undefined) next[key] = value;
    }
    return next as unknown as TenantSource;
  });
  if (!updated) throw new NoSuchSourceError();
  return toView(updated);
}

/**
 * Replaces the secret with `secret` (given after rolling it at the provider) or a generated one (schemes whose
 * receiver chooses it); the old one keeps verifying for `graceSeconds` (24 h by default). Returns a generated
 * secret once.
 */
export async function rotateSourceSecret(
  tenantId: string,
  id: string,
  input: unknown,
  deps: SourceManagementDeps,
): Promise<{ source: TenantSourceView; secret?: string }> {
  checkTenant(tenantId);
  const { secret: given, graceSeconds } = parse(rotateSecretSchema, input ?? {});
  let generated: string | undefined;
  const updated = await deps.sources.modify(tenantId, id, async (current) => {
    const scheme = schemes[current.scheme] as Scheme<unknown>;
    if (given !== undefined) checkSecret(scheme, 'secret', given);
    else if (scheme.secretIssuer === 'provider')
      throw new BadRequestError(
        `secret: required: roll the secret in ${scheme.name}'s webhook settings, then pass the new one as "secret"`,
      );
    generated = given === undefined ? generateSourceSecret(deps.random) : undefined;
    const context = { tenantId, sourceId: id };
    const now = deps.now();
    const held = rotate(
      await openSecrets(current.sealedSecrets, deps.cipher, context),
      (given ?? generated) as string,
      now,
      graceSeconds === undefined ? DEFAULT_GRACE_MS : graceSeconds * 1000,
    );
    const { previousSecretExpiresAt: _old, ...rest } = current;
    return {
      ...rest,
      sealedSecrets: await sealSecrets(held, deps.cipher, context),
      ...(held.previous && { previousSecretExpiresAt: held.previous.expiresAt }),
      updatedAt: now,
    };
  });
  if (!updated) throw new NoSuchSourceError();
  return { source: toView(updated), ...(generated !== undefined && { secret: generated }) };
}

export async function deleteSource(
  tenantId: string,
  id: string,
  deps: Pick<SourceManagementDeps, 'sources'>,
): Promise<void> {
  checkTenant(tenantId);
  if (!(await deps.sources.remove(tenantId, id))) throw new NoSuchSourceError();
}
