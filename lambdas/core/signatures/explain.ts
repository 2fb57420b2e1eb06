/**
 * Why did (or didn't) a request verify? A pure diagnosis for `webhooks verify --explain`: what each
 * scheme computes over which bytes, which configured secret matches, the timestamp's age against the
 * tolerance, and — when nothing matches — the common mistake that explains it, found by re-running
 * the real `verify` on the request with exactly that mistake undone (body re-serialized or
 * pretty-printed, a trailing newline, a base64 body not decoded, the secret's format or whitespace,
 * the URL for Twilio and Square).
 *
 * It is never on the request path: it runs the verifier dozens of times and may parse the body.
 *
 * @example
 * const e = explainVerification(schemes.stripe, request);
 * if (!e.result.valid) console.log(e.causes[0]?.message);
 */
import { createHash, createHmac } from 'node:crypto';
import type { Scheme, SchemeName, VerifyRequest, VerifyResult } from './types';
import {
  decodeBase64Strict,
  decodeDigest,
  DIGEST_BYTES,
  parseEpochSeconds,
  readFirstHeader,
  readHeader,
  scanSignedPairs,
  splitList,
  type DigestEncoding,
  type HmacAlgorithm,
} from './shared';
import { parseHmacTimestamp, type HmacOptions } from './hmac';
import { standardWebhooksKey } from './standard-webhooks';
import { twilioParamString, type TwilioOptions } from './twilio';
import type { SquareOptions } from './square';

/** A mistake that, once undone, makes the request verify (or, for the timestamp, the reason it still fails). */
export type CauseCode =
  | 'body_trailing_newline_added'
  | 'body_trailing_newline_removed'
  | 'body_line_endings'
  | 'body_pretty_printed'
  | 'body_reserialized'
  | 'body_base64_not_decoded'
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
  readonly scheme: SchemeName;
  /** The real verify() result for the request as given. */
  readonly result: VerifyResult;
  /** e.g. `{t}.{body}`, `v0:{timestamp}:{body}`, `{url}{sorted form parameters}`. */
  readonly template: string;
  /** e.g. `HMAC-SHA256 (hex)`. */
  readonly algorithm: string;
  readonly body: BytesSummary;
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
// What each scheme signs

interface Anatomy {
  readonly template: string;
  readonly algorithm?: HmacAlgorithm;
  readonly encoding?: DigestEncoding;
  /** Signature header names, for "missing header" hints. */
  readonly headers: readonly string[];
  /** The exact signed bytes, when known. */
  readonly signed?: Uint8Array;
  readonly received: readonly Buffer[];
  readonly timestampSeconds?: number;
  readonly key: (secret: string) => Buffer | undefined;
}

const utf8 = (secret: string): Buffer | undefined => (secret === '' ? undefined : Buffer.from(secret, 'utf8'));
const concat = (before: string, body: Uint8Array, after = ''): Buffer => Buffer.concat([Buffer.from(before), body, Buffer.from(after)]);

/** Decodes received digests, copied (the shared decoder reuses its buffers). */
function digests(entries: readonly string[], prefix: string, encoding: DigestEncoding, bytes: number, caseInsensitive = false): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of entries) {
    const head = entry.slice(0, prefix.length);
    if (caseInsensitive ? head.toLowerCase() !== prefix.toLowerCase() : head !== prefix) continue;
    const digest = decodeDigest(entry, encoding, bytes, prefix.length);
    if (digest) out.push(Buffer.from(digest));
  }
  return out;
}

/** A `t=…,v1=…`-style header (Stripe, Paddle) signing `{t}<joiner>{body}` with an HMAC-SHA256 in hex. */
function signedPairs(
  request: VerifyRequest<unknown>,
  header: string,
  separator: string,
  timestampKey: string,
  signatureKey: string,
  joiner: string,
): Anatomy {
  const raw = readHeader(request.headers, header);
  // A comma-joined repeat of a `;`-separated header (Paddle): the first value explains the rest.
  const value = raw === undefined ? undefined : separator === ';' ? splitList(raw, ',')[0] : raw;
  const fields = value === undefined ? undefined : scanSignedPairs(value, separator, timestampKey, signatureKey);
  const t = typeof fields?.timestamp === 'string' ? fields.timestamp : undefined;
  const timestamp = t === undefined ? undefined : parseEpochSeconds(t);
  return {
    template: `{${timestampKey}}${joiner}{body}`,
    algorithm: 'sha256',
    encoding: 'hex',
    headers: [header],
    ...(t !== undefined && { signed: concat(`${t}${joiner}`, request.body) }),
    received: digests(fields?.signatures ?? [], '', 'hex', 32),
    ...(timestamp !== undefined && { timestampSeconds: timestamp }),
    key: utf8,
  };
}

function webhookTimestampMs(body: Uint8Array): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).webhookTimestamp : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function v0(request: VerifyRequest<unknown>, signature: string, timestampHeader: string): Anatomy {
  const ts = readHeader(request.headers, timestampHeader);
  const timestamp = ts === undefined ? undefined : parseEpochSeconds(ts);
  return {
    template: 'v0:{timestamp}:{body}',
    algorithm: 'sha256',
    encoding: 'hex',
    headers: [signature, timestampHeader],
    ...(ts !== undefined && { signed: concat(`v0:${ts}:`, request.body) }),
    received: digests(splitList(readHeader(request.headers, signature) ?? '', ','), 'v0=', 'hex', 32),
    ...(timestamp !== undefined && { timestampSeconds: timestamp }),
    key: utf8,
  };
}

/** What the scheme signs for this request, read from its headers the way its verify() reads them. */
function anatomy(name: SchemeName, request: VerifyRequest<unknown>): Anatomy {
  const { headers, body } = request;
  const list = (header: string) => splitList(readHeader(headers, header) ?? '', ',');
  switch (name) {
    case 'stripe':
      return signedPairs(request, 'stripe-signature', ',', 't', 'v1', '.');
    case 'paddle':
      return signedPairs(request, 'paddle-signature', ';', 'ts', 'h1', ':');
    case 'github':
      return { template: '{body}', algorithm: 'sha256', encoding: 'hex', headers: ['x-hub-signature-256'], signed: body, received: digests(list('x-hub-signature-256'), 'sha256=', 'hex', 32), key: utf8 };
    case 'shopify':
      return { template: '{body}', algorithm: 'sha256', encoding: 'base64', headers: ['x-shopify-hmac-sha256'], signed: body, received: digests(list('x-shopify-hmac-sha256'), '', 'base64', 32), key: utf8 };
    case 'entrupy':
      return { template: '{body}', algorithm: 'sha256', encoding: 'base64', headers: ['entrupy-signature'], signed: body, received: digests(list('entrupy-signature'), 'SHA256:', 'base64', 32, true), key: utf8 };
    case 'linear': {
      const ms = webhookTimestampMs(body);
      return {
        template: '{body} (the send time is the body\'s webhookTimestamp, in ms)',
        algorithm: 'sha256',
        encoding: 'hex',
        headers: ['linear-signature'],
        signed: body,
        received: digests(list('linear-signature'), '', 'hex', 32),
        ...(ms !== undefined && { timestampSeconds: ms / 1000 }),
        key: utf8,
      };
    }
    case 'slack':
      return v0(request, 'x-slack-signature', 'x-slack-request-timestamp');
    case 'zoom':
      return v0(request, 'x-zm-signature', 'x-zm-request-timestamp');
    case 'standard-webhooks': {
      const id = readFirstHeader(headers, ['webhook-id', 'svix-id']);
      const ts = readFirstHeader(headers, ['webhook-timestamp', 'svix-timestamp']);
      const timestamp = ts === undefined ? undefined : parseEpochSeconds(ts);
      const signature = readFirstHeader(headers, ['webhook-signature', 'svix-signature']) ?? '';
      const entries = signature.split(/\s+/).map((e) => (e.endsWith(',') ? e.slice(0, -1) : e));
      return {
        template: '{webhook-id}.{webhook-timestamp}.{body}',
        algorithm: 'sha256',
        encoding: 'base64',
        headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
        ...(id !== undefined && ts !== undefined && { signed: concat(`${id}.${ts}.`, body) }),
        received: digests(entries, 'v1,', 'base64', 32),
        ...(timestamp !== undefined && { timestampSeconds: timestamp }),
        key: (secret) => standardWebhooksKey(secret) ?? undefined,
      };
    }
    case 'square': {
      const url = (request.options as SquareOptions | undefined)?.notificationUrl ?? request.url;
      return {
        template: '{notification URL}{body}',
        algorithm: 'sha256',
        encoding: 'base64',
        headers: ['x-square-hmacsha256-signature'],
        ...(url && { signed: concat(url, body) }),
        received: digests(list('x-square-hmacsha256-signature'), '', 'base64', 32),
        key: utf8,
      };
    }
    case 'twilio': {
      const url = (request.options as TwilioOptions | undefined)?.url ?? request.url;
      let jsonBody = false;
      try {
        jsonBody = url !== undefined && new URL(url).searchParams.has('bodySHA256');
      } catch {
        // an invalid URL: verify() reports it
      }
      return {
        template: jsonBody ? '{URL} (its bodySHA256 parameter is the hex SHA-256 of the body)' : '{URL}{form parameters sorted by name, as name+value}',
        algorithm: 'sha1',
        encoding: 'base64',
        headers: ['x-twilio-signature'],
        ...(url && { signed: Buffer.from(url + (jsonBody ? '' : twilioParamString(body))) }),
        received: digests(list('x-twilio-signature'), '', 'base64', 20),
        key: utf8,
      };
    }
    case 'hmac': {
      const o = request.options as HmacOptions;
      const ts = o.timestampHeader ? readHeader(headers, o.timestampHeader) : '';
      const at = o.signedContent.indexOf('{body}');
      const fill = (text: string) => text.replaceAll('{timestamp}', ts ?? '');
      const timestamp = o.timestampHeader && ts !== undefined ? parseHmacTimestamp(ts, o.timestampFormat) : undefined;
      return {
        template: o.signedContent,
        algorithm: o.algorithm,
        encoding: o.encoding,
        headers: [o.header, ...(o.timestampHeader ? [o.timestampHeader] : [])],
        ...(ts !== undefined && { signed: concat(fill(o.signedContent.slice(0, at)), body, fill(o.signedContent.slice(at + '{body}'.length))) }),
        received: digests(list(o.header), o.prefix, o.encoding, DIGEST_BYTES[o.algorithm], true),
        ...(timestamp !== undefined && { timestampSeconds: timestamp }),
        key: utf8,
      };
    }
    case 'gitlab':
      return { template: 'nothing: the X-Gitlab-Token header is the secret itself', headers: ['x-gitlab-token'], received: [], key: utf8 };
  }
}

/** Signature headers of every scheme, to spot a request verified with the wrong scheme. */
const SIGNATURE_HEADERS: readonly (readonly [string, SchemeName])[] = [
  ['stripe-signature', 'stripe'],
  ['x-hub-signature-256', 'github'],
  ['x-shopify-hmac-sha256', 'shopify'],
  ['x-slack-signature', 'slack'],
  ['webhook-signature', 'standard-webhooks'],
  ['svix-signature', 'standard-webhooks'],
  ['x-twilio-signature', 'twilio'],
  ['x-square-hmacsha256-signature', 'square'],
  ['paddle-signature', 'paddle'],
  ['linear-signature', 'linear'],
  ['x-zm-signature', 'zoom'],
  ['entrupy-signature', 'entrupy'],
  ['x-gitlab-token', 'gitlab'],
];

// ---------------------------------------------------------------------------------------------
// Diagnosis

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const summary = (bytes: Uint8Array): BytesSummary => ({ bytes: bytes.byteLength, sha256: sha256(bytes) });
const NO_WINDOW = Number.MAX_SAFE_INTEGER;
const decoder = new TextDecoder('utf-8', { fatal: true });

function text(body: Uint8Array): string | undefined {
  try {
    return decoder.decode(body);
  } catch {
    return undefined;
  }
}

function toleranceOf(scheme: Scheme<unknown>, request: VerifyRequest<unknown>): number | undefined {
  const t = request.toleranceSeconds;
  if (typeof t === 'number' && Number.isFinite(t) && t >= 0) return t;
  const own = scheme.name === 'hmac' ? (request.options as HmacOptions).toleranceSeconds : undefined;
  return own ?? scheme.defaultToleranceSeconds;
}

/** Body variants, each the undoing of one mistake: if the signature matches it, that mistake was made. */
function bodyVariants(body: Uint8Array): { code: CauseCode; body: Uint8Array; message: string }[] {
  const out: { code: CauseCode; body: Uint8Array; message: string }[] = [];
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const LF = 0x0a;
  const CR = 0x0d;
  if (b.length > 0 && b[b.length - 1] === LF) {
    const cut = b.length > 1 && b[b.length - 2] === CR ? 2 : 1;
    out.push({
      code: 'body_trailing_newline_added',
      body: b.subarray(0, b.length - cut),
      message: 'the body ends with a newline the sender did not sign: without it, it verifies (an editor, `echo` or a heredoc added it; send and verify the exact bytes)',
    });
  }
  out.push({
    code: 'body_trailing_newline_removed',
    body: Buffer.concat([b, Buffer.from('\n')]),
    message: 'the sender signed a trailing newline that this body lacks: with "\\n" appended, it verifies (something trimmed the body)',
  });
  if (b.includes('\r\n')) {
    out.push({ code: 'body_line_endings', body: Buffer.from(b.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'), message: 'the body\'s line endings were changed to CRLF: with LF, it verifies' });
  } else if (b.includes('\n')) {
    out.push({ code: 'body_line_endings', body: Buffer.from(b.toString('latin1').replaceAll('\n', '\r\n'), 'latin1'), message: 'the body\'s line endings were changed to LF: with CRLF, it verifies' });
  }
  const asText = text(body);
  let json: unknown;
  let isJson = false;
  if (asText !== undefined) {
    try {
      json = JSON.parse(asText);
      isJson = true;
    } catch {
      // not JSON
    }
  }
  if (isJson) {
    const compact = JSON.stringify(json);
    const pretty = JSON.stringify(json, null, 2);
    for (const variant of [compact, `${compact}\n`]) {
      if (variant !== asText) {
        out.push({
          code: 'body_pretty_printed',
          body: Buffer.from(variant),
          message: 'the body was re-formatted (pretty-printed or re-indented) after signing: its compact form, JSON.stringify(JSON.parse(body)), verifies — verify the raw bytes received, never a re-serialized object',
        });
      }
    }
    for (const variant of [pretty, `${pretty}\n`]) {
      if (variant !== asText) {
        out.push({
          code: 'body_reserialized',
          body: Buffer.from(variant),
          message: 'the body was re-serialized (JSON.stringify of the parsed object) after signing: the sender signed it pretty-printed (2-space indent), and that verifies — verify the raw bytes received',
        });
      }
    }
  }
  const trimmed = asText?.trim();
  if (trimmed && trimmed.length >= 4) {
    const decoded = decodeBase64Strict(trimmed);
    if (decoded && decoded.length > 0) {
      out.push({
        code: 'body_base64_not_decoded',
        body: decoded,
        message: 'the body is base64 of the signed bytes: decode it first (API Gateway sets isBase64Encoded for such bodies)',
      });
    }
  }
  // One variant can undo two mistakes (a compact body is also "the body with its newline removed"): keep the first.
  const seen = new Set<string>([b.toString('latin1')]);
  return out.filter((v) => {
    const key = Buffer.from(v.body.buffer, v.body.byteOffset, v.body.byteLength).toString('latin1');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** URL spellings a misconfigured endpoint often differs by: scheme, port, trailing slash, query. */
export function urlVariants(raw: string): string[] {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return [];
  }
  const out = new Set<string>();
  const add = (edit: (v: URL) => void) => {
    const v = new URL(u.href);
    edit(v);
    out.add(v.href);
  };
  add((v) => (v.protocol = v.protocol === 'https:' ? 'http:' : 'https:'));
  add((v) => (v.port = ''));
  add((v) => (v.port = v.protocol === 'https:' ? '443' : '80'));
  add((v) => (v.pathname = v.pathname.endsWith('/') ? v.pathname.slice(0, -1) || '/' : `${v.pathname}/`));
  add((v) => (v.search = ''));
  add((v) => {
    v.protocol = v.protocol === 'https:' ? 'http:' : 'https:';
    v.port = '';
  });
  // new URL() normalises; also try the raw text with a slash added or removed before the query.
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q);
  out.add(path.endsWith('/') ? path.slice(0, -1) + query : `${path}/${query}`);
  out.delete(raw);
  return [...out];
}

function withUrl(name: SchemeName, request: VerifyRequest<unknown>, url: string): VerifyRequest<unknown> {
  const options = { ...(request.options as object), ...(name === 'twilio' ? { url } : { notificationUrl: url }) };
  return { ...request, url, options };
}

/**
 * Explains `scheme.verify(request)`: the bytes signed, each secret's result, the timestamp's age,
 * and the likely causes of a failure.
 */
export function explainVerification(scheme: Scheme<unknown>, request: VerifyRequest<unknown>): Explanation {
  const name = scheme.name;
  const result = scheme.verify(request);
  const a = anatomy(name, request);
  const secrets = request.secrets;
  /** The signature check alone: the replay window opened wide. */
  const signatureMatch = (r: VerifyRequest<unknown>): VerifyResult => scheme.verify({ ...r, toleranceSeconds: NO_WINDOW });

  const reports: SecretReport[] = secrets.map((secret, index) => {
    const matches = secret !== '' && signatureMatch({ ...request, secrets: [secret] }).valid;
    const key = a.algorithm && a.signed ? a.key(secret) : undefined;
    const expected = key && a.algorithm && a.signed ? createHmac(a.algorithm, key).update(a.signed).digest(a.encoding ?? 'hex') : undefined;
    const problem = scheme.checkSecret(secret);
    return { index, matches, ...(expected !== undefined && { expected }), ...(problem !== undefined && { problem }) };
  });

  const tolerance = toleranceOf(scheme, request);
  const ts = result.valid ? (result.timestampSeconds ?? a.timestampSeconds) : a.timestampSeconds;
  const timestamp: TimestampReport | undefined =
    ts === undefined || tolerance === undefined
      ? undefined
      : {
          seconds: ts,
          ageSeconds: request.nowSeconds - ts,
          toleranceSeconds: tolerance,
          acceptsFuture: scheme.acceptsFutureTimestamps,
          withinWindow: request.nowSeconds - ts <= tolerance && ts - request.nowSeconds <= (scheme.acceptsFutureTimestamps ? tolerance : 0),
        };

  const base = {
    scheme: name,
    result,
    template: a.template,
    algorithm: a.algorithm ? `HMAC-${a.algorithm.toUpperCase()} (${a.encoding})` : 'no HMAC (token comparison)',
    body: summary(request.body),
    ...(a.signed && { signed: summary(a.signed) }),
    received: a.received.map((d) => d.toString(a.encoding ?? 'hex')),
    secrets: reports,
    ...(timestamp && { timestamp }),
  };
  return { ...base, causes: result.valid ? [] : diagnose(scheme, request, result, a, reports, timestamp, signatureMatch) };
}

function diagnose(
  scheme: Scheme<unknown>,
  request: VerifyRequest<unknown>,
  result: Extract<VerifyResult, { valid: false }>,
  a: Anatomy,
  reports: readonly SecretReport[],
  timestamp: TimestampReport | undefined,
  signatureMatch: (r: VerifyRequest<unknown>) => VerifyResult,
): Cause[] {
  const name = scheme.name;
  const causes: Cause[] = [];
  const matched = reports.find((r) => r.matches);

  // The signature is right: only the replay window is left.
  if (matched && (result.reason === 'stale_timestamp' || result.reason === 'future_timestamp') && timestamp) {
    const stale = result.reason === 'stale_timestamp';
    causes.push({
      code: stale ? 'timestamp_stale' : 'timestamp_future',
      secretIndex: matched.index,
      message: stale
        ? `the signature is valid (secret #${matched.index + 1}) but it was made ${Math.round(timestamp.ageSeconds)} s ago, beyond the ${timestamp.toleranceSeconds} s tolerance: a replay, a delivery retried late, or a clock behind (pass --now for a captured request)`
        : `the signature is valid (secret #${matched.index + 1}) but its timestamp is ${Math.round(-timestamp.ageSeconds)} s in the future, beyond the tolerance: the sender's or this machine's clock is off`,
    });
    return causes;
  }

  switch (result.reason) {
    case 'missing_signature':
    case 'missing_timestamp': {
      const present = Object.keys(request.headers).filter((h) => request.headers[h] !== undefined);
      const others = SIGNATURE_HEADERS.filter(([h, s]) => s !== name && present.includes(h));
      if (others.length > 0) {
        const [h, s] = others[0]!;
        causes.push({ code: 'other_scheme_headers', message: `the request carries ${h}, which ${s} sends: is the scheme ${s} rather than ${name}?` });
      }
      causes.push({
        code: 'missing_header',
        message: `${name} reads ${a.headers.join(', ')}; the request has ${present.length > 0 ? present.join(', ') : 'no headers'}${result.detail ? ` (${result.detail})` : ''}`,
      });
      return causes;
    }
    case 'malformed_signature':
    case 'malformed_timestamp':
    case 'unsupported_version':
      causes.push({ code: 'malformed_header', message: `${result.detail ?? result.reason}: the header was cut, re-encoded or mangled on the way (copy it whole, quoted)` });
      return causes;
    case 'missing_url':
      causes.push({ code: 'missing_url', message: `${name} signs the URL: pass the URL the provider was configured with (--url)` });
      return causes;
    case 'no_secret': {
      const problems = reports.filter((r) => r.problem).map((r) => `secret #${r.index + 1}: ${r.problem}`);
      causes.push({ code: 'no_usable_secret', message: problems.length > 0 ? problems.join('; ') : 'no usable secret was given' });
      // Go on: a secret variant below (trimmed; for Standard Webhooks, its text as the key) may be what was meant.
      break;
    }
    default:
      break;
  }

  const found = (r: VerifyResult): number | undefined => (r.valid ? r.secretIndex : undefined);

  for (const variant of bodyVariants(request.body)) {
    const index = found(signatureMatch({ ...request, body: variant.body }));
    if (index !== undefined) causes.push({ code: variant.code, secretIndex: index, message: variant.message });
  }

  request.secrets.forEach((secret, index) => {
    const trimmed = secret.trim();
    if (trimmed !== secret && trimmed !== '' && signatureMatch({ ...request, secrets: [trimmed] }).valid) {
      causes.push({ code: 'secret_whitespace', secretIndex: index, message: `secret #${index + 1} has whitespace around it (a copy-paste slip or a newline from a file): trimmed, it verifies` });
    }
    if (name === 'standard-webhooks') {
      // The sender used the secret's text as the HMAC key, as Stripe does, instead of decoding its base64.
      const raw = Buffer.from(trimmed, 'utf8');
      if (raw.length > 0 && signatureMatch({ ...request, secrets: [`whsec_${raw.toString('base64')}`] }).valid) {
        causes.push({
          code: 'secret_raw_whsec_as_key',
          secretIndex: index,
          message: `the sender used secret #${index + 1}'s text itself as the HMAC key (as Stripe does with whsec_ secrets); Standard Webhooks keys are the base64-decoded bytes after "whsec_" — fix the sender, or verify it with --scheme hmac`,
        });
      }
    } else if (a.algorithm && a.signed && a.received.length > 0) {
      // The sender base64-decoded the secret (as Standard Webhooks does), where this scheme uses its text.
      const encoded = trimmed.startsWith('whsec_') ? trimmed.slice('whsec_'.length) : trimmed;
      const key = decodeBase64Strict(encoded);
      if (key && key.length > 0) {
        const digest = createHmac(a.algorithm, key).update(a.signed).digest();
        if (a.received.some((r) => r.equals(digest))) {
          causes.push({
            code: 'secret_base64_decoded',
            secretIndex: index,
            message: `the sender keyed the HMAC with secret #${index + 1} base64-decoded (as Standard Webhooks/Svix do); ${name} uses the secret's text as-is — is this a Standard Webhooks sender (--scheme standard-webhooks)?`,
          });
        }
      }
    }
  });

  if (name === 'twilio' || name === 'square') {
    const given = name === 'twilio' ? ((request.options as TwilioOptions | undefined)?.url ?? request.url) : ((request.options as SquareOptions | undefined)?.notificationUrl ?? request.url);
    for (const url of given ? urlVariants(given) : []) {
      const index = found(signatureMatch(withUrl(name, request, url)));
      if (index !== undefined) {
        causes.push({
          code: 'url_mismatch',
          secretIndex: index,
          url,
          message: `${name} signed the URL ${url}, not ${given}: pass the URL exactly as configured with ${name === 'twilio' ? 'Twilio' : 'Square'} (scheme, host, port, path, query) with --url${name === 'square' ? ' or --option notificationUrl=…' : ' or --option url=…'}`,
        });
        break;
      }
    }
  }

  if (causes.length === 0 || (causes.length === 1 && causes[0]!.code === 'no_usable_secret')) {
    causes.push({
      code: 'unexplained',
      message:
        reports.length > 1
          ? 'no configured secret matches these bytes, and no common mistake explains it: check the secrets are this endpoint\'s (test vs live mode, another endpoint or environment), and that nothing between the sender and here rewrote the body'
          : 'the secret does not match these bytes, and no common mistake explains it: check it is this endpoint\'s secret (test vs live mode, another endpoint or environment), and that nothing between the sender and here rewrote the body',
    });
  }
  return causes;
}
