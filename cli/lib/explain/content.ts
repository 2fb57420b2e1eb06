/**
 * The body's content type in `verify --explain`: whether the scheme declares it and how the verifier
 * reads it (JSON, a form, JSON in a form field), whether a Twilio JSON body matches the URL's
 * `bodySHA256`, and the content-type mistakes the diagnosis undoes: a form decoded by a body parser
 * before verifying, and a Twilio JSON request verified without its URL's `bodySHA256`.
 */
import { createHash } from 'node:crypto';
import { contentTypeRule, formFields, mediaType, parseBody } from '../../../lambdas/core/inbound/body';
import { describeLocator, locateFrom } from '../../../lambdas/core/inbound/envelope';
import type { ContentTypeRule, Layout } from '../../../lambdas/core/signatures/description';
import { bodyIsHashed } from '../../../lambdas/core/signatures/signed-content';
import type { Scheme, VerifyRequest, VerifyResult } from '../../../lambdas/core/signatures/types';
import { signedUrl } from '../../../lambdas/core/signatures/verify';
import type { BodyHashReport, Cause, ContentReport } from './types';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What the Content-Type header means to this scheme; undefined when the request has none. */
export function contentReport(scheme: Scheme<unknown>, request: VerifyRequest<unknown>): ContentReport | undefined {
  const header = request.headers['content-type'];
  if (header === undefined) return undefined;
  const rules = scheme.contentTypes(request.options);
  let rule: ContentTypeRule;
  try {
    rule = contentTypeRule(rules, header);
  } catch {
    return {
      media: mediaType(header),
      declared: false,
      reads: `not a type ${scheme.name} sends (${rules.map((r) => r.media).join(', ')}): once the signature verifies, the verifier answers 415`,
    };
  }
  const text = Buffer.from(request.body).toString('utf8');
  let parsed: unknown;
  try {
    parsed = parseBody(rule, text).parsed;
  } catch {
    return {
      media: rule.media,
      declared: true,
      reads: 'but the body does not parse as one: once the signature verifies, the verifier answers 400',
    };
  }
  const wrapped =
    rule.jsonField !== undefined && rule.media !== 'application/json' && formFields(text)[rule.jsonField] !== undefined;
  let reads =
    rule.media === 'application/json'
      ? 'the payload is the JSON as received'
      : rule.jsonField !== undefined && !wrapped
        ? `the payload is the form's fields (it has no "${rule.jsonField}" field; a repeated name becomes an array)`
        : rule.jsonField !== undefined
          ? `the payload is the JSON of the form's "${rule.jsonField}" field`
          : "the payload is the form's fields (a repeated name becomes an array)";
  const type = locateFrom(scheme.eventType, request.headers, parsed);
  const id = locateFrom(scheme.eventId, request.headers, parsed);
  if (type) reads += `; type "${type.value}" (${where(type.from)})`;
  reads += id ? `; id from ${where(id.from)}` : '; no event id in it (deduplicated on a hash of the body)';
  return {
    media: rule.media,
    declared: true,
    reads: rule.acknowledge === 'empty' ? `${reads}; accepted with 200 and an empty body` : reads,
  };
}

function where(locator: Parameters<typeof describeLocator>[0]): string {
  const d = describeLocator(locator);
  return d.header !== undefined ? `header ${d.header}` : `body ${d.bodyPath}`;
}

/** For a body signed through a hash in the URL (Twilio JSON): the claimed hash and whether the body has it. */
export function bodyHashReport(layout: Layout, request: VerifyRequest<unknown>): BodyHashReport | undefined {
  const param = layout.url?.bodyHashParam;
  const url = signedUrl(layout, request);
  if (param === undefined || url === undefined || !bodyIsHashed(layout, url)) return undefined;
  const claimed = new URL(url).searchParams.get(param) ?? '';
  return { param, claimed, matches: claimed.toLowerCase() === sha256(request.body) };
}

type Match = (r: VerifyRequest<unknown>) => VerifyResult;

/** Causes about the content type, each found by re-verifying with the mistake undone. */
export function contentCauses(
  scheme: Scheme<unknown>,
  request: VerifyRequest<unknown>,
  layout: Layout,
  signatureMatch: Match,
): Cause[] {
  const causes: Cause[] = [];
  const hash = bodyHashReport(layout, request);
  if (hash && !hash.matches) {
    causes.push({
      code: 'body_hash_mismatch',
      message: `the body's SHA-256 (${sha256(request.body).slice(0, 16)}…) is not the URL's ${hash.param} (${hash.claimed.slice(0, 16)}…): the body changed after the sender hashed it (re-serialized, pretty-printed, trimmed) — verify the raw JSON received`,
    });
  }
  const json = parseObject(request.body);
  if (json) {
    for (const rule of scheme.contentTypes(request.options)) {
      if (rule.media !== 'application/x-www-form-urlencoded') continue;
      for (const form of formsFor(rule, json, Buffer.from(request.body).toString('utf8'))) {
        const result = signatureMatch({ ...request, body: Buffer.from(form) });
        if (!result.valid) continue;
        causes.push({
          code: 'body_form_decoded',
          secretIndex: result.secretIndex,
          message:
            rule.jsonField !== undefined && form.startsWith(`${rule.jsonField}=`)
              ? `the body is the JSON of the form's "${rule.jsonField}" field: ${scheme.name} signed the whole form, ${rule.jsonField}=<the JSON, URL-encoded>, and that verifies — verify the raw form bytes received, before any parsing`
              : `the body is the form decoded into JSON (a body parser such as express.urlencoded ran first): ${scheme.name} signed the raw form, and re-encoded it verifies — verify the raw form bytes received, before any parsing`,
        });
        return causes;
      }
    }
  }
  const param = layout.url?.bodyHashParam;
  const given = signedUrl(layout, request);
  if (param !== undefined && given !== undefined && json && layout.url && !bodyIsHashed(layout, given)) {
    const url = new URL(given);
    url.searchParams.set(param, sha256(request.body));
    const result = signatureMatch({
      ...request,
      url: url.href,
      options: { ...(request.options as object), [layout.url.option]: url.href },
    });
    if (result.valid) {
      causes.push({
        code: 'url_mismatch',
        secretIndex: result.secretIndex,
        url: url.href,
        message: `${scheme.name} signed a JSON body through the URL's ${param} (the body's hex SHA-256): the URL requested was ${url.href}; verify with the URL as requested, query included`,
      });
    }
  }
  return causes;
}

function parseObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The raw forms that decode to `json`, in the spellings senders use (`+` or `%20` for a space). */
function formsFor(rule: ContentTypeRule, json: Record<string, unknown>, text: string): string[] {
  const out: string[] = [];
  const add = (pairs: [string, string][]) => {
    out.push(new URLSearchParams(pairs).toString());
    out.push(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
  };
  if (rule.jsonField !== undefined)
    for (const field of new Set([text, JSON.stringify(json)])) add([[rule.jsonField, field]]);
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(json)) {
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return out;
    for (const v of values) pairs.push([name, String(v)]);
  }
  add(pairs);
  return out;
}
