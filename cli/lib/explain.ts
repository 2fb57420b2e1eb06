/**
 * Why did (or didn't) a request verify? The diagnosis behind `webhooks verify --explain`: what the
 * scheme computes over which bytes (read from the scheme's own description, the same one verify and
 * sign read), which configured secret matches, the timestamp's age against the tolerance, and —
 * when nothing matches — the common mistake that explains it (explain-causes.ts).
 *
 * It is never on the request path: it runs the verifier dozens of times and may parse the body.
 *
 * @example
 * const e = explainVerification(schemes.stripe, request);
 * if (!e.result.valid) console.log(e.causes[0]?.message);
 */
import { createHash, createHmac, type KeyObject } from 'node:crypto';
import { hmacKey } from '../../lambdas/core/signatures/crypto';
import {
  signatureHeaders,
  type DigestEncoding,
  type HmacAlgorithm,
  type Layout,
} from '../../lambdas/core/signatures/description';
import {
  type Scheme,
  type SchemeName,
  schemes,
  type VerifyRequest,
  type VerifyResult,
} from '../../lambdas/core/signatures/index';
import { bodyIsHashed, signedBytes } from '../../lambdas/core/signatures/signed-content';
import { readRequest, toleranceFor } from '../../lambdas/core/signatures/verify';
import { diagnose } from './explain-causes';
import { bodyHashReport, contentReport, type BodyHashReport, type ContentReport } from './explain-content';

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

// ---------------------------------------------------------------------------------------------
// What the scheme signs, from its description

export interface Anatomy {
  readonly layout: Layout;
  readonly template: string;
  readonly algorithm?: HmacAlgorithm;
  readonly encoding: DigestEncoding;
  /** Headers the scheme reads, for "missing header" hints. */
  readonly headers: readonly string[];
  /** The exact signed bytes, when the headers say enough to rebuild them. */
  readonly signed?: Uint8Array;
  readonly received: readonly Buffer[];
  readonly timestampSeconds?: number;
  readonly key: (secret: string) => KeyObject | undefined;
}

/** The layout's template as a reader knows its parts: `{t}.{body}`, `{webhook-id}.{timestamp}.{body}`. */
export function describeTemplate(layout: Layout): string {
  if (layout.signature.format === 'token') return `nothing: the ${layout.signature.header} header is the secret itself`;
  const s = layout.signature;
  const from = layout.timestamp?.from;
  let template = layout.signedContent
    .replaceAll('{timestamp}', s.format === 'pairs' ? `{${s.timestampKey}}` : '{timestamp}')
    .replaceAll('{id}', `{${layout.idHeaders?.[0] ?? 'id'}}`)
    .replaceAll('{params}', '{form parameters sorted by name, as name+value}');
  if (typeof from === 'object' && 'bodyField' in from)
    template += ` (the send time is the body's ${from.bodyField}, in ${from.unit})`;
  if (layout.url?.bodyHashParam)
    template += ` (a JSON body is not signed: the URL's ${layout.url.bodyHashParam} is its hex SHA-256)`;
  return template;
}

function anatomy(scheme: Scheme<unknown>, request: VerifyRequest<unknown>): Anatomy {
  const layout = scheme.layout(request.options);
  const read = readRequest(layout, request);
  const from = layout.timestamp?.from;
  const ok = !('valid' in read);
  let timestampSeconds = ok ? read.timestampSeconds : undefined;
  if (typeof from === 'object' && 'bodyField' in from) {
    const ms = bodyNumber(request.body, from.bodyField);
    if (ms !== undefined) timestampSeconds = ms / 1000;
  }
  const headers = [
    ...signatureHeaders(layout),
    ...(layout.idHeaders?.slice(0, 1) ?? []),
    ...(typeof from === 'object' && 'header' in from ? from.header.slice(0, 1) : []),
  ];
  // A Twilio JSON body is not signed: the URL is, and its bodySHA256 covers the body.
  const hashed = ok && bodyIsHashed(layout, read.url);
  return {
    layout,
    template: hashed
      ? `{url} (a JSON body is signed through the URL's ${layout.url?.bodyHashParam}: its hex SHA-256)`
      : describeTemplate(layout),
    ...(layout.algorithm && { algorithm: layout.algorithm }),
    encoding: layout.encoding,
    headers,
    ...(ok && layout.algorithm && { signed: signedBytes(layout, read, request.body) }),
    received: ok ? read.received.candidates : [],
    ...(timestampSeconds !== undefined && { timestampSeconds }),
    key: (secret) => (secret === '' ? undefined : (hmacKey(layout.key, secret) ?? undefined)),
  };
}

function bodyNumber(body: Uint8Array, field: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    const value =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Signature headers of every scheme (hmac's is whatever a source configures), to spot a request verified with the wrong scheme. */
export const SIGNATURE_HEADERS: readonly (readonly [string, SchemeName])[] = Object.values(schemes)
  .filter((s) => s.name !== 'hmac')
  .flatMap((s) => signatureHeaders(s.layout(s.optionsSchema.parse({}))).map((h): [string, SchemeName] => [h, s.name]));

// ---------------------------------------------------------------------------------------------
// Diagnosis

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const summary = (bytes: Uint8Array): BytesSummary => ({ bytes: bytes.byteLength, sha256: sha256(bytes) });
const NO_WINDOW = Number.MAX_SAFE_INTEGER;

/**
 * Explains `scheme.verify(request)`: the bytes signed, each secret's result, the timestamp's age,
 * and the likely causes of a failure.
 */
export function explainVerification(scheme: Scheme<unknown>, request: VerifyRequest<unknown>): Explanation {
  const name = scheme.name;
  const result = scheme.verify(request);
  const a = anatomy(scheme, request);
  const secrets = request.secrets;
  /** The signature check alone: the replay window opened wide. */
  const signatureMatch = (r: VerifyRequest<unknown>): VerifyResult =>
    scheme.verify({ ...r, toleranceSeconds: NO_WINDOW });

  const reports: SecretReport[] = secrets.map((secret, index) => {
    const matches = secret !== '' && signatureMatch({ ...request, secrets: [secret] }).valid;
    const key = a.algorithm && a.signed ? a.key(secret) : undefined;
    const expected =
      key && a.algorithm && a.signed
        ? createHmac(a.algorithm, key)
            .update(a.signed)
            .digest(a.encoding ?? 'hex')
        : undefined;
    const problem = scheme.checkSecret(secret);
    return { index, matches, ...(expected !== undefined && { expected }), ...(problem !== undefined && { problem }) };
  });

  const rule = a.layout.timestamp;
  const tolerance = rule ? toleranceFor(rule, request) : undefined;
  const acceptsFuture = rule?.acceptsFuture === true;
  const ts = result.valid ? (result.timestampSeconds ?? a.timestampSeconds) : a.timestampSeconds;
  const timestamp: TimestampReport | undefined =
    ts === undefined || tolerance === undefined
      ? undefined
      : {
          seconds: ts,
          ageSeconds: request.nowSeconds - ts,
          toleranceSeconds: tolerance,
          acceptsFuture,
          withinWindow:
            request.nowSeconds - ts <= tolerance && ts - request.nowSeconds <= (acceptsFuture ? tolerance : 0),
        };

  const content = contentReport(scheme, request);
  const bodyHash = bodyHashReport(a.layout, request);
  const base = {
    scheme: name,
    result,
    template: a.template,
    algorithm: a.algorithm ? `HMAC-${a.algorithm.toUpperCase()} (${a.encoding})` : 'no HMAC (token comparison)',
    body: summary(request.body),
    ...(content && { content }),
    ...(bodyHash && { bodyHash }),
    ...(a.signed && { signed: summary(a.signed) }),
    received: a.received.map((d) => d.toString(a.encoding ?? 'hex')),
    secrets: reports,
    ...(timestamp && { timestamp }),
  };
  return {
    ...base,
    causes: result.valid ? [] : diagnose(scheme, request, result, a, reports, timestamp, signatureMatch),
  };
}
