/**
 * How sources are named and addressed: a source id, a tenant id, a tenant source's URL token, the name its events carry
 * and the path it is served at. Plain values, no schema: the verifier resolves sources with these alone, while the
 * schemas (source-schema.ts, tenant-sources/model.ts) build on them and are never built at its cold start.
 */

/** A source id: a URL path segment and a resource-name part. */
export const SOURCE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/**
 * A tenant id: the outbound rule for a tenant (core/outbound/ids.ts), so one tenant is the same tenant on both sides
 * (test/core/source-names.test.ts holds the two to the same answers).
 */
export const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The unguessable part of a tenant source's URL: 16 random bytes, base64url. */
export const URL_TOKEN = /^[A-Za-z0-9_-]{22}$/;
/**
 * The name a tenant source's events carry: `<tenant>.<id>`. Neither part can hold a `.`, so it never equals a
 * config source's id, nor another tenant's source; and it is a plain S3 key segment and partition value (the
 * archive's `source=<source>/`), an SNS attribute and a DynamoDB key part as it is.
 */
export function qualifiedName(tenantId: string, id: string): string {
  return `${tenantId}.${id}`;
}

/** The path a tenant source is served at. */
export function sourcePath(s: { readonly tenantId: string; readonly id: string; readonly token: string }): string {
  return `/webhooks/t/${s.tenantId}/${s.id}/${s.token}`;
}
