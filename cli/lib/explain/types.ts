/**
 * What `verify --explain` reports, as plain data: the types every part of the diagnosis reads and writes
 * (index.ts builds an Explanation, causes.ts and content.ts add to it, format.ts prints it).
 */
import type { VerifyResult } from '../../../lambdas/core/signatures/index';

export type CauseCode =
  | 'body_trailing_newline_added'
  | 'body_trailing_newline_removed'
  | 'body_line_endings'
  | 'body_pretty_printed'
  | 'body_reserialized'
  | 'body_base64_not_decoded'
  | 'body_form_decoded'
  | 'body_hash_mismatch'
  | 'secret_whitespace'
  | 'secret_raw_whsec_as_key'
  | 'secret_base64_decoded'
  | 'url_mismatch'
  | 'timestamp_stale'
  | 'timestamp_future'
  | 'missing_header'
  | 'other_scheme_headers'
  | 'malformed_header'
  | 'missing_url'
  | 'no_usable_secret'
  | 'unexplained';

export interface Cause {
  readonly code: CauseCode;
  readonly message: string;
  /** Which configured secret verifies once the mistake is undone (index into `secrets`). */
  readonly secretIndex?: number;
  /** For url_mismatch: the URL that verifies. */
  readonly url?: string;
}

export interface BytesSummary {
  readonly bytes: number;
  /** Hex SHA-256 of the bytes (compare it with the sender's). */
  readonly sha256: string;
}

export interface SecretReport {
  readonly index: number;
  /** Whether the signature matches with this secret alone (the timestamp window aside). */
  readonly matches: boolean;
  /** What we computed with this secret, in the header's encoding; undefined when the secret is unusable or nothing is signed. */
  readonly expected?: string;
  /** The scheme's checkSecret() finding, if any. */
  readonly problem?: string;
}

export interface TimestampReport {
  readonly seconds: number;
  /** now − timestamp; negative when the timestamp is in the future. */
  readonly ageSeconds: number;
  readonly toleranceSeconds: number;
  readonly acceptsFuture: boolean;
  readonly withinWindow: boolean;
}

export interface Explanation {
  readonly scheme: string;
  /** The real verify() result for the request as given. */
  readonly result: VerifyResult;
  /** e.g. `{t}.{body}`, `v0:{timestamp}:{body}`, `{url}{sorted form parameters}`. */
  readonly template: string;
  /** e.g. `HMAC-SHA256 (hex)`. */
  readonly algorithm: string;
  readonly body: BytesSummary;
  /** What the Content-Type header means to the scheme (when the request has one). */
  readonly content?: ContentReport;
  /** For a JSON body signed through the URL's hash of it (Twilio's bodySHA256): whether the body has that hash. */
  readonly bodyHash?: BodyHashReport;
  /** The exact bytes signed for this request; undefined when the headers do not say enough (or nothing is signed). */
  readonly signed?: BytesSummary;
  /** Signature digests found in the headers, re-encoded as received. */
  readonly received: readonly string[];
  readonly secrets: readonly SecretReport[];
  readonly timestamp?: TimestampReport;
  /** Most likely first; empty when the request verifies. */
  readonly causes: readonly Cause[];
}

export interface ContentReport {
  /** The media type of the request's Content-Type header. */
  readonly media: string;
  /** Whether the scheme declares it (else the verifier answers 415 once the signature verifies). */
  readonly declared: boolean;
  /** How the verifier reads the body of this type. */
  readonly reads: string;
}

export interface BodyHashReport {
  /** The URL parameter carrying the body's hex SHA-256 (Twilio: `bodySHA256`). */
  readonly param: string;
  readonly claimed: string;
  readonly matches: boolean;
}
