/**
 * An endpoint's extra request headers at rest: each value sealed by the `SecretCipher` with the endpoint's context
 * (tenant, endpoint), exactly like its signing secrets, because receivers put credentials there
 * (`Authorization: Bearer …`, `X-Api-Key`). One ciphertext per value keeps each under KMS's 4 KB plaintext limit
 * (values are at most 1,024 characters); the worker opens them through the same per-container cache as the secrets
 * (decision 0013), so a warm container sends without a KMS call. Names stay in the clear: they are all the API, the
 * CLI and the logs ever show.
 *
 * Endpoints stored before headers were sealed hold plaintext `headers`. They keep working (the worker sends them as
 * they are) and are sealed at the endpoint's next write through the API (an update, enable/disable, a secret
 * rotation: `sealLegacyHeaders`): migration on the next write, because a read must not write, and the worker has no
 * business rewriting configuration.
 */
import type { Endpoint } from '../model';
import type { SecretCipher, SecretContext } from '../ports';

/** Seals each value; names as given (the schema lower-cased them). */
export async function sealHeaders(
  headers: Readonly<Record<string, string>>,
  cipher: SecretCipher,
  context: SecretContext,
): Promise<Record<string, string>> {
  const sealed = await Promise.all(
    Object.entries(headers).map(async ([name, value]) => [name, await cipher.encrypt(value, context)] as const),
  );
  return Object.fromEntries(sealed);
}

/** The headers to send, in plaintext: only ever in memory, between the cipher and the request. */
export async function openHeaders(
  endpoint: Pick<Endpoint, 'tenantId' | 'endpointId' | 'sealedHeaders' | 'headers'>,
  cipher: SecretCipher,
): Promise<Record<string, string>> {
  const context = { tenantId: endpoint.tenantId, endpointId: endpoint.endpointId };
  const opened = await Promise.all(
    Object.entries(endpoint.sealedHeaders ?? {}).map(
      async ([name, ciphertext]) => [name, await cipher.decrypt(ciphertext, context)] as const,
    ),
  );
  return { ...endpoint.headers, ...Object.fromEntries(opened) };
}

/** The names of the endpoint's extra headers, sorted: what is shown instead of the headers. */
export function headerNames(endpoint: Pick<Endpoint, 'sealedHeaders' | 'headers'>): string[] {
  return [...new Set([...Object.keys(endpoint.headers ?? {}), ...Object.keys(endpoint.sealedHeaders ?? {})])].sort();
}

/** The endpoint with any legacy plaintext headers sealed into `sealedHeaders` (unchanged when it has none). */
export async function sealLegacyHeaders(endpoint: Endpoint, cipher: SecretCipher): Promise<Endpoint> {
  const { headers: legacy, ...rest } = endpoint;
  if (legacy === undefined) return endpoint;
  const context = { tenantId: endpoint.tenantId, endpointId: endpoint.endpointId };
  return { ...rest, sealedHeaders: { ...(await sealHeaders(legacy, cipher, context)), ...endpoint.sealedHeaders } };
}
