import type * as z from 'zod/mini';
import type { ContentTypeRule, FieldLocator, Handshake, Layout } from './description';

/**
 * Request headers with lower-cased names. API Gateway HTTP API (v2) joins a repeated header's
 * values with a comma, so a value may contain several comma-separated entries.
 */
export type Headers = Readonly<Record<string, string | undefined>>;

/** Why a request failed verification. Never thrown: returned, so malformed input cannot cause a 5xx. */
export type FailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'unsupported_version'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'missing_url'
  | 'no_secret'
  | 'signature_mismatch';

export type VerifyResult =
  | { readonly valid: true; readonly secretIndex: number; readonly timestampSeconds?: number }
  | { readonly valid: false; readonly reason: FailureReason; readonly detail?: string };

export interface VerifyRequest<O = unknown> {
  /** The exact raw bytes received (after API Gateway base64 decoding). */
  readonly body: Uint8Array;
  readonly headers: Headers;
  /** Full request URL (scheme, host, path, query) for URL-signing schemes (twilio, square). */
  readonly url?: string;
  /** Current secret first, then previous ones (rotation). */
  readonly secrets: readonly string[];
  /** Current time, epoch seconds. */
  readonly nowSeconds: number;
  /** Overrides the scheme's default tolerance. */
  readonly toleranceSeconds?: number;
  /** Scheme options, already validated with the scheme's `optionsSchema`. */
  readonly options: O;
}

export interface SignRequest<O = unknown> {
  readonly body: Uint8Array;
  readonly secret: string;
  /** Epoch seconds; schemes without a timestamp ignore it. */
  readonly timestampSeconds: number;
  readonly url?: string;
  /** Message id for schemes that sign it (standard-webhooks). */
  readonly id?: string;
  readonly options: O;
}

/**
 * A scheme as its users call it: built by `defineScheme` from one declarative description, so
 * `verify`, `sign` and the CLI's diagnosis all read the same headers, template and rules.
 * `N` is its name: the registry (index.ts) derives `SchemeName` from the names of the schemes it lists.
 */
export interface Scheme<O = unknown, N extends string = string> {
  readonly name: N;
  /** The provider's documentation of the scheme. */
  readonly docs: string;
  /** Validates this scheme's per-source options (may be an empty object schema). */
  readonly optionsSchema: z.ZodMiniType<O>;
  /** Default location of the provider's event/delivery id; undefined means a SHA-256 of source + body. */
  readonly eventId?: FieldLocator;
  /** Default location of the event type; undefined means the type is `unknown` unless the source config says. */
  readonly eventType?: FieldLocator;
  /** The body media types the provider documents, first is the usual one; others get 415. */
  contentTypes(options: O): readonly ContentTypeRule[];
  /** Provider handshakes answered by the verifier itself (URL verification, subscription challenges). */
  readonly handshake?: Handshake;
  /** What the scheme signs for these options: the description verify, sign and the diagnosis read. */
  layout(options: O): Layout;
  verify(request: VerifyRequest<O>): VerifyResult;
  /** Headers a sender would attach (lower-cased names). Used by the CLI, local stack and tests. */
  sign(request: SignRequest<O>): Record<string, string>;
  /** Returns a description of what is wrong with a configured secret, or undefined when it looks right. */
  checkSecret(secret: string): string | undefined;
  /** Who makes the signing secret: the provider, or the receiver (who may have one generated). */
  readonly secretIssuer: 'provider' | 'receiver';
}
