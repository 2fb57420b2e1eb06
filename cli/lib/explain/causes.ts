/**
 * The likely causes of a failed verification, each found by re-running the real `verify` with one
 * common mistake undone: the body re-serialized or pretty-printed, a trailing newline, a base64 body
 * not decoded, the secret's format or whitespace, the URL for URL-signing schemes.
 */
import { createHmac } from 'node:crypto';
import { decodeBase64Strict } from '../../../lambdas/core/signatures/crypto';
import type { Scheme, VerifyRequest, VerifyResult } from '../../../lambdas/core/signatures/types';
import { signedUrl } from '../../../lambdas/core/signatures/verify';
import { SIGNATURE_HEADERS, type Anatomy } from './anatomy';
import { contentCauses } from './content';
import type { Cause, CauseCode, SecretReport, TimestampReport } from './types';

const decoder = new TextDecoder('utf-8', { fatal: true });

function text(body: Uint8Array): string | undefined {
  try {
    return decoder.decode(body);
  } catch {
    return undefined;
  }
}

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
      message:
        'the body ends with a newline the sender did not sign: without it, it verifies (an editor, `echo` or a heredoc added it; send and verify the exact bytes)',
    });
  }
  out.push({
    code: 'body_trailing_newline_removed',
    body: Buffer.concat([b, Buffer.from('\n')]),
    message:
      'the sender signed a trailing newline that this body lacks: with "\\n" appended, it verifies (something trimmed the body)',
  });
  if (b.includes('\r\n')) {
    out.push({
      code: 'body_line_endings',
      body: Buffer.from(b.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'),
      message: "the body's line endings were changed to CRLF: with LF, it verifies",
    });
  } else if (b.includes('\n')) {
    out.push({
      code: 'body_line_endings',
      body: Buffer.from(b.toString('latin1').replaceAll('\n', '\r\n'), 'latin1'),
      message: "the body's line endings were changed to LF: with CRLF, it verifies",
    });
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
          message:
            'the body was re-formatted (pretty-printed or re-indented) after signing: its compact form, JSON.stringify(JSON.parse(body)), verifies — verify the raw bytes received, never a re-serialized object',
        });
      }
    }
    for (const variant of [pretty, `${pretty}\n`]) {
      if (variant !== asText) {
        out.push({
          code: 'body_reserialized',
          body: Buffer.from(variant),
          message:
            'the body was re-serialized (JSON.stringify of the parsed object) after signing: the sender signed it pretty-printed (2-space indent), and that verifies — verify the raw bytes received',
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
        message:
          'the body is base64 of the signed bytes: decode it first (API Gateway sets isBase64Encoded for such bodies)',
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

function withUrl(option: string, request: VerifyRequest<unknown>, url: string): VerifyRequest<unknown> {
  const options = { ...(request.options as object), [option]: url };
  return { ...request, url, options };
}

export function diagnose(
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
        causes.push({
          code: 'other_scheme_headers',
          message: `the request carries ${h}, which ${s} sends: is the scheme ${s} rather than ${name}?`,
        });
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
      causes.push({
        code: 'malformed_header',
        message: `${result.detail ?? result.reason}: the header was cut, re-encoded or mangled on the way (copy it whole, quoted)`,
      });
      return causes;
    case 'missing_url':
      causes.push({
        code: 'missing_url',
        message: `${name} signs the URL: pass the URL the provider was configured with (--url)`,
      });
      return causes;
    case 'no_secret': {
      const problems = reports.filter((r) => r.problem).map((r) => `secret #${r.index + 1}: ${r.problem}`);
      causes.push({
        code: 'no_usable_secret',
        message: problems.length > 0 ? problems.join('; ') : 'no usable secret was given',
      });
      // Go on: a secret variant below (trimmed; for Standard Webhooks, its text as the key) may be what was meant.
      break;
    }
    default:
      break;
  }

  const found = (r: VerifyResult): number | undefined => (r.valid ? r.secretIndex : undefined);

  causes.push(...contentCauses(scheme, request, a.layout, signatureMatch));

  for (const variant of bodyVariants(request.body)) {
    const index = found(signatureMatch({ ...request, body: variant.body }));
    if (index !== undefined) causes.push({ code: variant.code, secretIndex: index, message: variant.message });
  }

  request.secrets.forEach((secret, index) => {
    const trimmed = secret.trim();
    if (trimmed !== secret && trimmed !== '' && signatureMatch({ ...request, secrets: [trimmed] }).valid) {
      causes.push({
        code: 'secret_whitespace',
        secretIndex: index,
        message: `secret #${index + 1} has whitespace around it (a copy-paste slip or a newline from a file): trimmed, it verifies`,
      });
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

  const urlRule = a.layout.url;
  if (urlRule && !causes.some((c) => c.code === 'url_mismatch')) {
    const given = signedUrl(a.layout, request);
    for (const url of given ? urlVariants(given) : []) {
      const index = found(signatureMatch(withUrl(urlRule.option, request, url)));
      if (index !== undefined) {
        causes.push({
          code: 'url_mismatch',
          secretIndex: index,
          url,
          message: `${name} signed the URL ${url}, not ${given}: pass the URL exactly as configured with ${name === 'twilio' ? 'Twilio' : 'Square'} (scheme, host, port, path, query) with --url or --option ${urlRule.option}=…`,
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
          ? "no configured secret matches these bytes, and no common mistake explains it: check the secrets are this endpoint's (test vs live mode, another endpoint or environment), and that nothing between the sender and here rewrote the body"
          : "the secret does not match these bytes, and no common mistake explains it: check it is this endpoint's secret (test vs live mode, another endpoint or environment), and that nothing between the sender and here rewrote the body",
    });
  }
  return causes;
}
