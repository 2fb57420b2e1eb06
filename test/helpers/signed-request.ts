/**
 * The one builder of validly signed requests: every test gets its request from the scheme's own
 * `sign()` (never a hand-computed signature), then breaks exactly one thing. `webhook.ts` builds
 * the verifier's `IncomingWebhook` on it. Each scheme's secret and body are in scheme-fixtures.ts.
 */
import { type Headers, type SchemeName, schemes, type VerifyRequest } from '../../lambdas/core/signatures/index';
import { fixtureBody, SCHEME_FIXTURES } from './scheme-fixtures';

/** A fixed "now" so tests are deterministic: 2024-01-01T00:00:00Z. */
export const NOW = 1_704_067_200;

export const DEFAULT_URL = 'https://hooks.example.com/webhooks/source-a?x=1';

export interface FixtureOptions {
  readonly body?: string | Uint8Array;
  readonly secret?: string;
  /** Secrets the verifier holds; defaults to [secret]. */
  readonly secrets?: readonly string[];
  /** Signing time; defaults to NOW. */
  readonly timestampSeconds?: number;
  readonly nowSeconds?: number;
  readonly url?: string;
  readonly id?: string;
  /** Raw scheme options, parsed with the scheme's own optionsSchema (so defaults apply). */
  readonly options?: unknown;
  readonly toleranceSeconds?: number;
  /** Extra headers a provider sends beside the signature (ids, types). */
  readonly extraHeaders?: Record<string, string>;
}

/** A request signed exactly as the provider would sign it, ready for `schemes[name].verify()`. */
export function signedRequest(name: SchemeName, fixture: FixtureOptions = {}): VerifyRequest<unknown> {
  const scheme = schemes[name];
  const options: unknown = scheme.optionsSchema.parse(fixture.options ?? {});
  const secret = fixture.secret ?? SCHEME_FIXTURES[name].secret;
  const body = toBytes(fixture.body ?? fixtureBody(name, fixture.timestampSeconds ?? NOW));
  const url = fixture.url ?? DEFAULT_URL;
  const headers = scheme.sign({
    body,
    secret,
    timestampSeconds: fixture.timestampSeconds ?? NOW,
    url,
    ...(fixture.id !== undefined && { id: fixture.id }),
    options,
  });
  return {
    body,
    headers: { ...fixture.extraHeaders, ...headers },
    url,
    secrets: fixture.secrets ?? [secret],
    nowSeconds: fixture.nowSeconds ?? NOW,
    ...(fixture.toleranceSeconds !== undefined && { toleranceSeconds: fixture.toleranceSeconds }),
    options,
  };
}

export function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

/** The same request with one header replaced (or removed, with `undefined`). */
export function withHeader<O>(request: VerifyRequest<O>, name: string, value: string | undefined): VerifyRequest<O> {
  const headers: Record<string, string | undefined> = { ...request.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...request, headers: headers as Headers };
}

export function withBody<O>(request: VerifyRequest<O>, body: string | Uint8Array): VerifyRequest<O> {
  return { ...request, body: toBytes(body) };
}

/** A copy of `bytes` with the byte at `index` XOR-ed with `mask` (non-zero). */
export function flipByte(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] as number) ^ mask;
  return copy;
}
