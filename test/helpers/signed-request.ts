/**
 * The one builder of validly signed requests: every test gets its request from the scheme's own
 * `sign()` (never a hand-computed signature), then breaks exactly one thing. `webhook.ts` builds
 * the verifier's `IncomingWebhook` on it.
 */
import { type Headers, type SchemeName, schemes, type VerifyRequest } from '../../lambdas/core/signatures/index';

/** A fixed "now" so tests are deterministic: 2024-01-01T00:00:00Z. */
export const NOW = 1_704_067_200;

/** A plausible secret per scheme, in the format its provider issues. */
export const DEFAULT_SECRETS: Readonly<Record<SchemeName, string>> = {
  stripe: 'whsec_test_5f2b1c0e9d8a7b6c5d4e3f2a1b0c9d8e',
  github: 'gh-webhook-secret',
  shopify: 'shpss_0123456789abcdef0123456789abcdef',
  slack: '8f742231b10e8888abcd99yyyzzz85a5',
  'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  twilio: '12345',
  square: 'square-signature-key',
  paddle: 'pdl_ntfset_01h0000000000000000000000_abcdefghijklmnopqrstuvwxyz012345',
  linear: 'lin_wh_secret',
  zoom: 'zoom-secret-token',
  entrupy: 'entrupy-secret',
  meta: 'meta-app-secret-0123456789abcdef',
  gitlab: 'gitlab-token',
  hmac: 'in-house-secret',
};

/** Content a provider would send; Twilio and form-bodied schemes get form bodies. */
export function defaultBody(scheme: SchemeName, nowSeconds = NOW): string {
  switch (scheme) {
    case 'twilio':
      return 'AccountSid=AC123&CallSid=CA1234567890ABCDE&From=%2B12349013030&To=%2B18005551212&Digits=1234';
    case 'linear':
      return JSON.stringify({
        action: 'create',
        type: 'Issue',
        data: { id: 'x' },
        webhookTimestamp: nowSeconds * 1000,
      });
    default:
      return JSON.stringify({ id: 'evt_1', type: 'test.event', event_id: 'evt_1', data: { ok: true } });
  }
}

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
  const secret = fixture.secret ?? DEFAULT_SECRETS[name];
  const body = toBytes(fixture.body ?? defaultBody(name, fixture.timestampSeconds ?? NOW));
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
