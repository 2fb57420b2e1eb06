/**
 * What the tests and the signature benchmark know about each scheme, in one record per scheme: its
 * secret and body (signed-request.ts), the flags the CLI round trip adds (test/cli/signatures.test.ts),
 * what the properties may mutate (test/core/signatures/properties.test.ts), the type its example
 * carries (test/e2e/schemes.test.ts), and the benchmark's floor and peers (bench/signatures/).
 *
 * Typed `Record<SchemeName, SchemeFixture>`: a registered scheme without its record does not compile.
 */
import { createHash } from 'node:crypto';
import type { Headers, SchemeName } from '../../lambdas/core/signatures/index';
import { sortedFormParams } from '../../lambdas/core/signatures/signed-content';

/** What properties.test.ts checks for one configuration of a scheme. */
export interface PropertyCase {
  /** Names the configuration when a scheme has several: `twilio (form)`. */
  readonly variant?: string;
  /** Raw options, parsed with the scheme's own optionsSchema (defaults apply). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Headers whose every character is covered by the signature (or is the signature). */
  readonly signedHeaders: readonly string[];
  /** Where the signed epoch timestamp travels, to move it: a header, or its `key=` entry. Absent when not movable. */
  readonly timestamp?: { readonly header: string; readonly key?: string };
  /** Whether every byte of the body is covered (false for GitLab's token, Twilio's decoded form parameters). */
  readonly rawBodySigned: boolean;
  /** Wraps arbitrary bytes into a body the scheme can carry at `nowSeconds` (Linear needs its timestamp inside). */
  readonly bodyFor?: (bytes: Uint8Array, nowSeconds: number) => Uint8Array;
  /** The URL to sign for a body (Twilio signs a JSON body's SHA-256 in the URL). */
  readonly url?: (body: Uint8Array) => string;
}

/** A request the benchmark signed, in the parts its floor needs. */
export interface SignedParts {
  readonly body: Buffer;
  readonly headers: Headers;
  readonly secret: string;
  /** The signing time, epoch seconds as text. */
  readonly t: string;
  readonly url: string;
}

/** bench:signatures' floor: one createHmac (or hash) over the exact signed bytes, and the digest expected. */
export interface Floor {
  readonly algorithm: 'sha1' | 'sha256' | 'hash';
  readonly key: Buffer;
  /** The exact bytes the scheme signs, concatenated once at setup. */
  readonly signed: Buffer;
  readonly expected: Buffer;
}

/** The official verification libraries bench:signatures races ours against (bench/signatures/peers.ts). */
export type PeerLibrary = 'stripe' | 'octokit' | 'standardwebhooks' | 'svix' | 'twilio';

export interface SchemeFixture {
  /** A secret in the format the provider issues: the scheme's `checkSecret` finds nothing wrong with it. */
  readonly secret: string;
  /** The body the provider would send, valid at `nowSeconds`; a small JSON event when absent. */
  readonly body?: (nowSeconds: number) => string;
  /** Options for the configured form the CLI round trip and the benchmark use (hmac: timestamped). */
  readonly configured?: Readonly<Record<string, string>>;
  /** Flags `sign` needs besides the scheme, secret, URL and options (GitLab: --reveal-token). */
  readonly signFlags?: readonly string[];
  /** The event type `examples/<name>.json` carries, as the local stack reads it. */
  readonly exampleType: string;
  readonly properties: readonly PropertyCase[];
  readonly floor: (signed: SignedParts) => Floor;
  readonly peers?: readonly PeerLibrary[];
}

const utf8 = (text: string) => Buffer.from(text);
const hex = (text: string) => Buffer.from(text, 'hex');
const b64 = (text: string) => Buffer.from(text, 'base64');
const header = (s: SignedParts, name: string) => s.headers[name] as string;
/** HMAC-SHA256 under the secret's UTF-8 bytes, the floor of most schemes. */
const sha256Floor = (s: SignedParts, signed: Buffer, expected: Buffer): Floor => ({
  algorithm: 'sha256',
  key: utf8(s.secret),
  signed,
  expected,
});
const afterPrefix = (value: string, prefix: string) => value.slice(prefix.length);

const WSS = {
  header: 'X-WSS-Signature',
  prefix: '',
  timestampHeader: 'X-WSS-Timestamp',
  signedContent: '{timestamp}{body}',
};

export const SCHEME_FIXTURES: Readonly<Record<SchemeName, SchemeFixture>> = {
  stripe: {
    secret: 'whsec_test_5f2b1c0e9d8a7b6c5d4e3f2a1b0c9d8e',
    exampleType: 'payment_intent.succeeded',
    properties: [
      { signedHeaders: ['stripe-signature'], timestamp: { header: 'stripe-signature', key: 't' }, rawBodySigned: true },
    ],
    floor: (s) =>
      sha256Floor(s, Buffer.concat([utf8(`${s.t}.`), s.body]), hex(header(s, 'stripe-signature').split('v1=')[1]!)),
    peers: ['stripe'],
  },
  github: {
    secret: 'gh-webhook-secret',
    exampleType: 'push',
    properties: [{ signedHeaders: ['x-hub-signature-256'], rawBodySigned: true }],
    floor: (s) => sha256Floor(s, s.body, hex(afterPrefix(header(s, 'x-hub-signature-256'), 'sha256='))),
    peers: ['octokit'],
  },
  shopify: {
    secret: 'shpss_0123456789abcdef0123456789abcdef',
    exampleType: 'orders/create',
    properties: [{ signedHeaders: ['x-shopify-hmac-sha256'], rawBodySigned: true }],
    floor: (s) => sha256Floor(s, s.body, b64(header(s, 'x-shopify-hmac-sha256'))),
  },
  slack: {
    secret: '8f742231b10e8888abcd99ffe0d85a5f',
    exampleType: 'app_mention',
    properties: [
      {
        signedHeaders: ['x-slack-signature', 'x-slack-request-timestamp'],
        timestamp: { header: 'x-slack-request-timestamp' },
        rawBodySigned: true,
      },
    ],
    floor: (s) =>
      sha256Floor(
        s,
        Buffer.concat([utf8(`v0:${s.t}:`), s.body]),
        hex(afterPrefix(header(s, 'x-slack-signature'), 'v0=')),
      ),
  },
  'standard-webhooks': {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    exampleType: 'invoice.paid',
    properties: [
      {
        signedHeaders: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
        timestamp: { header: 'webhook-timestamp' },
        rawBodySigned: true,
      },
    ],
    floor: (s) => ({
      algorithm: 'sha256',
      key: b64(afterPrefix(s.secret, 'whsec_')),
      signed: Buffer.concat([utf8(`${header(s, 'webhook-id')}.${s.t}.`), s.body]),
      expected: b64(afterPrefix(header(s, 'webhook-signature'), 'v1,')),
    }),
    peers: ['standardwebhooks', 'svix'],
  },
  twilio: {
    secret: '0123456789abcdef0123456789abcdef',
    body: () => 'AccountSid=AC123&CallSid=CA1234567890ABCDE&From=%2B12349013030&To=%2B18005551212&Digits=1234',
    exampleType: 'delivered',
    properties: [
      { variant: 'form', signedHeaders: ['x-twilio-signature'], rawBodySigned: false },
      {
        variant: 'JSON, bodySHA256',
        signedHeaders: ['x-twilio-signature'],
        rawBodySigned: true,
        url: (body) => `https://hooks.example.com/t?bodySHA256=${createHash('sha256').update(body).digest('hex')}`,
      },
    ],
    floor: (s) => ({
      algorithm: 'sha1',
      key: utf8(s.secret),
      signed: utf8(s.url + sortedFormParams(s.body)),
      expected: b64(header(s, 'x-twilio-signature')),
    }),
    peers: ['twilio'],
  },
  square: {
    secret: 'square-signature-key',
    exampleType: 'payment.updated',
    properties: [{ signedHeaders: ['x-square-hmacsha256-signature'], rawBodySigned: true }],
    floor: (s) => sha256Floor(s, Buffer.concat([utf8(s.url), s.body]), b64(header(s, 'x-square-hmacsha256-signature'))),
  },
  paddle: {
    secret: 'pdl_ntfset_01h0000000000000000000000_abcdefghijklmnopqrstuvwxyz012345',
    exampleType: 'transaction.completed',
    properties: [
      {
        signedHeaders: ['paddle-signature'],
        timestamp: { header: 'paddle-signature', key: 'ts' },
        rawBodySigned: true,
      },
    ],
    floor: (s) =>
      sha256Floor(s, Buffer.concat([utf8(`${s.t}:`), s.body]), hex(header(s, 'paddle-signature').split('h1=')[1]!)),
  },
  linear: {
    secret: 'lin_wh_secret',
    // Linear signs the body only; its replay window is the webhookTimestamp inside it (milliseconds).
    body: (nowSeconds) =>
      JSON.stringify({ action: 'create', type: 'Issue', data: { id: 'x' }, webhookTimestamp: nowSeconds * 1000 }),
    exampleType: 'Issue',
    properties: [
      {
        signedHeaders: ['linear-signature'],
        rawBodySigned: true,
        bodyFor: (bytes, nowSeconds) =>
          utf8(JSON.stringify({ data: Buffer.from(bytes).toString('latin1'), webhookTimestamp: nowSeconds * 1000 })),
      },
    ],
    floor: (s) => sha256Floor(s, s.body, hex(header(s, 'linear-signature'))),
  },
  zoom: {
    secret: 'zoom-secret-token',
    exampleType: 'meeting.started',
    properties: [
      {
        signedHeaders: ['x-zm-signature', 'x-zm-request-timestamp'],
        timestamp: { header: 'x-zm-request-timestamp' },
        rawBodySigned: true,
      },
    ],
    floor: (s) =>
      sha256Floor(s, Buffer.concat([utf8(`v0:${s.t}:`), s.body]), hex(afterPrefix(header(s, 'x-zm-signature'), 'v0='))),
  },
  meta: {
    secret: 'meta-app-secret-0123456789abcdef',
    exampleType: 'whatsapp_business_account',
    properties: [{ signedHeaders: ['x-hub-signature-256'], rawBodySigned: true }],
    floor: (s) => sha256Floor(s, s.body, hex(afterPrefix(header(s, 'x-hub-signature-256'), 'sha256='))),
  },
  entrupy: {
    secret: 'entrupy-secret',
    exampleType: 'authentication.completed',
    properties: [{ signedHeaders: ['entrupy-signature'], rawBodySigned: true }],
    floor: (s) => sha256Floor(s, s.body, b64(afterPrefix(header(s, 'entrupy-signature'), 'SHA256:'))),
  },
  gitlab: {
    secret: 'gitlab-token',
    signFlags: ['--reveal-token'],
    exampleType: 'Push Hook',
    properties: [{ signedHeaders: ['x-gitlab-token'], rawBodySigned: false }],
    // GitLab signs nothing: the floor is a SHA-256 of the token and a constant-time compare.
    floor: (s) => ({
      algorithm: 'hash',
      key: utf8(s.secret),
      signed: utf8(header(s, 'x-gitlab-token')),
      expected: createHash('sha256').update(s.secret).digest(),
    }),
  },
  hmac: {
    secret: 'in-house-secret',
    // The timestamped form (the dearer one): `{timestamp}.{body}`, epoch seconds.
    configured: {
      timestampHeader: 'X-Webhook-Timestamp',
      timestampFormat: 'epoch',
      signedContent: '{timestamp}.{body}',
    },
    exampleType: 'order.shipped',
    properties: [
      { variant: 'defaults', signedHeaders: ['x-webhook-signature'], rawBodySigned: true },
      {
        variant: 'Bearer, sha512 base64',
        options: { header: 'Authorization', prefix: 'Bearer ', algorithm: 'sha512', encoding: 'base64' },
        signedHeaders: ['authorization'],
        rawBodySigned: true,
      },
      {
        variant: 'X-WSS epoch',
        options: WSS,
        signedHeaders: ['x-wss-signature', 'x-wss-timestamp'],
        timestamp: { header: 'x-wss-timestamp' },
        rawBodySigned: true,
      },
      {
        variant: 'X-WSS ISO 8601',
        options: { ...WSS, timestampFormat: 'iso8601' },
        signedHeaders: ['x-wss-signature', 'x-wss-timestamp'],
        rawBodySigned: true,
      },
    ],
    floor: (s) =>
      sha256Floor(
        s,
        Buffer.concat([utf8(`${s.t}.`), s.body]),
        hex(afterPrefix(header(s, 'x-webhook-signature'), 'sha256=')),
      ),
  },
};

/** The schemes and their fixtures, in the order of the record above. */
export const fixtureEntries = (): [SchemeName, SchemeFixture][] =>
  Object.entries(SCHEME_FIXTURES) as [SchemeName, SchemeFixture][];

/** Content the provider would send at `nowSeconds`: the scheme's fixture body, or a small JSON event. */
export function fixtureBody(scheme: SchemeName, nowSeconds: number): string {
  return (
    SCHEME_FIXTURES[scheme].body?.(nowSeconds) ??
    JSON.stringify({ id: 'evt_1', type: 'test.event', event_id: 'evt_1', data: { ok: true } })
  );
}
