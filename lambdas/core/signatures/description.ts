/**
 * The declarative description of a signature scheme: what a provider sends and signs, written once
 * per scheme and read by `verify` (verify.ts), `sign` (sign.ts) and the CLI's diagnosis.
 *
 * The signed content is a template over these placeholders, filled with the exact text received:
 * - `{body}`      the raw body bytes, never decoded or re-serialized;
 * - `{timestamp}` the timestamp as written in its header or signature entry;
 * - `{id}`        the message id header (Standard Webhooks);
 * - `{url}`       the request URL, or the one configured in the options (Square, Twilio);
 * - `{params}`    form parameters sorted by name, as name+value (Twilio).
 */
import type * as z from 'zod/mini';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64';

/** Digest sizes in bytes: a received signature of another size is rejected before any HMAC. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** How the signature travels in the request headers. */
export type SignatureFormat =
  /** Prefixed digests in one header, e.g. `sha256=<hex>`; a repeated header arrives comma-joined. */
  | {
      readonly format: 'list';
      /** Lower-cased header names; the first present one is read (`webhook-signature`, then `svix-signature`). */
      readonly headers: readonly string[];
      /** Text before each digest, e.g. `sha256=`, `v0=`, `v1,`; '' for none. */
      readonly prefix: string;
      readonly prefixCaseInsensitive?: boolean;
      /** What separates entries: a comma (the default) or white space (Standard Webhooks). */
      readonly separator?: ',' | 'whitespace';
      /** An entry of this shape is another version of the scheme: `unsupported_version`, not malformed. */
      readonly otherVersion?: RegExp;
      /** A header that only an older version of the scheme sends, named when the signature is missing. */
      readonly legacy?: { readonly header: string; readonly detail: string };
    }
  /** `t=<epoch>,v1=<hex>` pairs (Stripe) or `ts=…;h1=…` (Paddle): the timestamp travels with the signatures. */
  | {
      readonly format: 'pairs';
      readonly header: string;
      readonly separator: ',' | ';';
      readonly timestampKey: string;
      readonly signatureKey: string;
    }
  /** The secret itself in a header (GitLab): nothing is signed. */
  | { readonly format: 'token'; readonly header: string };

/** Where the send time is read from, how it is written, and the replay window around it. */
export interface TimestampRule {
  readonly from:
    | { readonly header: readonly string[]; readonly format: 'epoch' | 'iso8601' | 'auto' }
    /** The `timestampKey` entry of a `pairs` signature. */
    | 'signature'
    /** A top-level number in the JSON body, read only after the signature matched (Linear). */
    | { readonly bodyField: string; readonly unit: 'ms' };
  readonly toleranceSeconds: number;
  /** Whether a timestamp ahead of now, within the tolerance, is accepted (clock skew). */
  readonly acceptsFuture: boolean;
}

/** The part of a description that may depend on the source's options. */
export interface Layout {
  readonly signature: SignatureFormat;
  /** The HMAC, or undefined for a token scheme. */
  readonly algorithm?: HmacAlgorithm;
  readonly encoding: DigestEncoding;
  /** How a secret becomes the HMAC key: its UTF-8 text, or the base64 after `whsec_` (Standard Webhooks). */
  readonly key: 'utf8' | 'whsec-base64';
  /** See the placeholders above; a token scheme signs nothing (''). */
  readonly signedContent: string;
  readonly timestamp?: TimestampRule;
  /**
   * Asymmetric signatures beside the HMAC (Standard Webhooks `v1a,<base64 ed25519>`): a configured
   * secret with `publicKeyPrefix` is an Ed25519 public key, one with `secretKeyPrefix` signs.
   */
  readonly asymmetric?: { readonly prefix: string; readonly publicKeyPrefix: string; readonly secretKeyPrefix: string };
  /** Headers carrying `{id}`, first present wins. */
  readonly idHeaders?: readonly string[];
  /** `{url}`: the option that overrides the request URL, and the URL spellings the provider may have signed. */
  readonly url?: {
    readonly option: string;
    readonly variants?: (url: string) => string[];
    /** When the URL has this query parameter, the body is not signed; the parameter is its hex SHA-256 (Twilio JSON). */
    readonly bodyHashParam?: string;
  };
}

/**
 * Where an event's id or type is read from: a request header, or a dotted path into the parsed body.
 * `fallback` (optional, used by scheme defaults only) is tried when the first place is empty, e.g.
 * `webhook-id` then `svix-id`; code that ignores it still reads the primary place correctly.
 */
export type FieldLocator =
  | { readonly header: string; readonly fallback?: FieldLocator }
  | { readonly bodyPath: string; readonly fallback?: FieldLocator };

/** A body media type the provider sends, and how the body becomes the envelope's payload. */
export interface ContentTypeRule {
  /** Lower-case media type; `application/json` also admits `application/<x>+json`. */
  readonly media: 'application/json' | 'application/x-www-form-urlencoded';
  /** A form field whose value is the event's JSON (GitHub form deliveries, Slack interactivity). */
  readonly jsonField?: string;
  /** How an accepted request is answered: the usual JSON status, or 200 with an empty body (Slack shows bodies to users). */
  readonly acknowledge?: 'status' | 'empty';
}

/** Provider handshakes answered by the verifier, with nothing recorded, queued or published. */
export interface Handshake {
  /** A signed POST that checks the URL: `bodyPath` equals `equals` → answer it. */
  readonly challenge?: {
    readonly bodyPath: string;
    readonly equals: string;
    /** Slack echoes `challenge`; Zoom answers `plainToken` with its HMAC-SHA256 under the secret. */
    readonly answer: 'echo-challenge' | 'zoom-encrypted-token';
  };
  /** Meta's unsigned GET subscription check, compared with the source's verify token. */
  readonly subscribe?: {
    readonly modeParam: string;
    readonly mode: string;
    readonly tokenParam: string;
    readonly challengeParam: string;
  };
}

/** One scheme, described once. `O` is its validated options type, `N` its name (a literal, kept for `SchemeName`). */
export interface SchemeDescription<O, N extends string = string> {
  readonly name: N;
  readonly docs: string;
  /** Built on first use: building a zod schema is cold-start time, and most sources use few schemes. */
  readonly optionsSchema: () => z.ZodMiniType<O>;
  /** The layout, or a function of the options for schemes the source configures (hmac, square, twilio). */
  readonly layout: Layout | ((options: O) => Layout);
  readonly eventId?: FieldLocator;
  readonly eventType?: FieldLocator;
  readonly contentTypes: readonly ContentTypeRule[] | ((options: O) => readonly ContentTypeRule[]);
  readonly handshake?: Handshake;
  /** Scheme-specific secret checks, after the common ones (empty, surrounding white space). */
  readonly checkSecret?: (secret: string) => string | undefined;
  /**
   * Who makes the signing secret: the provider shows it in its dashboard (the default), or the receiver types
   * one into the provider's settings (GitHub, GitLab, your own senders), so a tenant source may have one generated.
   */
  readonly secretIssuer?: 'provider' | 'receiver';
}

export const JSON_BODY: ContentTypeRule = { media: 'application/json' };
export const FORM_BODY: ContentTypeRule = { media: 'application/x-www-form-urlencoded' };

/** The signature headers a layout reads, for "missing header" hints. */
export function signatureHeaders(layout: Layout): readonly string[] {
  const s = layout.signature;
  return s.format === 'list' ? s.headers : [s.header];
}
