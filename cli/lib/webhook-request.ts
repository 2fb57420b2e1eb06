/**
 * Builds the request a provider would send: the payload (with a fresh event id and send time unless
 * asked not to), the provider's extra headers, and the signature headers from the scheme's `sign`.
 * Shared by `send`, the end-to-end tests and the load bench, so all three sign exactly alike.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalSource, LocalVariant, TimestampField } from '../../config/local';
import { sourceSchema, type SourceConfig } from '../../lib/config';
import type { ContentTypeRule } from '../../lambdas/core/signatures/description';
import { type FieldLocator, type Scheme, schemes } from '../../lambdas/core/signatures/index';

export const CLI_USER_AGENT = 'webhooks-cli/0.1 (local)';

/** Everything needed to sign for one source. */
export interface Sender {
  readonly source: SourceConfig;
  readonly scheme: Scheme<unknown>;
  readonly options: unknown;
  readonly secret: string;
  /** Provider headers besides the signature. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timestampFields: readonly TimestampField[];
  readonly uniqueField: string | undefined;
  /** Where the verifier reads the event id (source setting, else the scheme's default). */
  readonly idLocator: FieldLocator | undefined;
  /** The body's content type and how the scheme reads it (a form field holding JSON, …). */
  readonly contentType: ContentTypeRule;
}

/** The sender for a local source, or for one of its variants (another content type or a handshake). */
export function senderFor(local: LocalSource, secret: string = local.secret, variant?: LocalVariant): Sender {
  const source = sourceSchema.parse(local.source);
  const scheme = schemes[source.scheme] as Scheme<unknown>;
  const options = scheme.optionsSchema.parse(source.schemeOptions);
  const rules = scheme.contentTypes(options);
  const media = variant?.contentType ?? rules[0]?.media ?? 'application/json';
  return {
    source,
    scheme,
    options,
    secret,
    headers: local.headers ?? {},
    timestampFields: variant?.timestampFields ?? local.timestampFields ?? [],
    uniqueField: variant?.uniqueField ?? local.uniqueField,
    idLocator: source.eventId ?? scheme.eventId,
    // A type the scheme does not declare is still sent as asked (to see the verifier's 415).
    contentType: rules.find((r) => r.media === media) ?? { media },
  };
}

/** The content type the request carries. */
export function contentTypeFor(sender: Sender): string {
  return sender.contentType.media;
}

/** The repository root (this file is cli/lib/webhook-request.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Reads a payload file given by the user (relative to the working directory). */
export function readPayload(path: string): Buffer {
  return readFileSync(resolve(path));
}

/** The sample payload from examples/: the source's, or its variant's. */
export function readExample(local: LocalSource, variant?: LocalVariant): Buffer {
  const example = variant ? variant.example : local.example;
  return example === undefined ? Buffer.alloc(0) : readFileSync(resolve(REPO_ROOT, example));
}

export interface PreparedPayload {
  readonly body: Buffer;
  /** The event id written into the body or a header; undefined when the id is a hash of the body. */
  readonly eventId: string | undefined;
  /** The id header to send, when the id travels in a header. */
  readonly idHeader: readonly [string, string] | undefined;
}

/**
 * Gives the template a fresh event id (where the verifier reads it) and the current send time.
 * With `keepId`, the template's own id is kept; `id` forces a given id (a provider's retry).
 */
export function preparePayload(
  sender: Sender,
  template: Buffer,
  o: { nowMs: number; id?: string; keepId?: boolean },
): PreparedPayload {
  const doc = parseTemplate(template, sender.contentType);
  const locator = sender.idLocator;
  let eventId: string | undefined;
  let idHeader: readonly [string, string] | undefined;

  if (locator && 'header' in locator) {
    eventId = o.id ?? (o.keepId ? undefined : randomUUID());
    if (eventId !== undefined) idHeader = [locator.header, eventId];
  } else if (doc !== undefined && !o.keepId) {
    // The id field this body has (Slack: `event_id`, else a form's `trigger_id`); with none, the
    // unique field (a challenge, a message id), else the locator's first field.
    const idPath = bodyPathsOf(locator).find((p) => getPath(doc, p) !== undefined);
    const path = idPath ?? sender.uniqueField ?? bodyPathsOf(locator)[0];
    if (path !== undefined) {
      const fresh = o.id ?? freshIdLike(getPath(doc, path));
      setPath(doc, path, fresh);
      // A unique field stands in for a missing id: the event id is then a hash of the body.
      if (idPath !== undefined || path !== sender.uniqueField) eventId = fresh;
    }
  } else if (doc !== undefined && locator && 'bodyPath' in locator) {
    const existing = bodyPathsOf(locator)
      .map((p) => getPath(doc, p))
      .find((v) => v !== undefined);
    eventId = typeof existing === 'string' || typeof existing === 'number' ? String(existing) : undefined;
  }
  if (doc !== undefined && !o.keepId) {
    for (const field of sender.timestampFields) {
      setPath(doc, field.bodyPath, field.unit === 'milliseconds' ? o.nowMs : Math.floor(o.nowMs / 1000));
    }
  }
  // A JSON payload sent in a form field is always re-encoded: the form is what is sent.
  const changed = doc !== undefined && (!o.keepId || o.id !== undefined || doc.kind === 'wrapped');
  const body = changed ? serialize(doc) : template;
  return { body, eventId, idHeader };
}

/** The body paths a locator and its fallbacks read, in order. */
function bodyPathsOf(locator: FieldLocator | undefined): string[] {
  const out: string[] = [];
  for (let l = locator; l; l = l.fallback) if ('bodyPath' in l) out.push(l.bodyPath);
  return out;
}

export interface SignedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * Signs `payload` for `url` at `nowMs`: content type, provider headers, id header, signature headers.
 * Where the scheme signs a JSON body through a hash in the URL (Twilio's `bodySHA256`), the URL
 * gets it first, so `url` of the result is where to send it.
 */
export function signRequest(sender: Sender, payload: PreparedPayload, url: string, nowMs: number): SignedRequest {
  const hashParam = sender.scheme.layout(sender.options).url?.bodyHashParam;
  let target = url;
  if (hashParam !== undefined && sender.contentType.media === 'application/json') {
    const u = new URL(url);
    u.searchParams.set(hashParam, createHash('sha256').update(payload.body).digest('hex'));
    target = u.href;
  }
  const signed = sender.scheme.sign({
    body: payload.body,
    secret: sender.secret,
    timestampSeconds: Math.floor(nowMs / 1000),
    url: target,
    ...(payload.idHeader && { id: payload.idHeader[1] }),
    options: sender.options,
  });
  const headers: Record<string, string> = {
    'content-type': contentTypeFor(sender),
    'user-agent': CLI_USER_AGENT,
    ...sender.headers,
    ...(payload.idHeader && { [payload.idHeader[0]]: payload.idHeader[1] }),
    ...signed,
  };
  return { url: target, headers, body: payload.body };
}

/**
 * The name the events sent to `url` carry (their record's `source`): a tenant source's `<tenant>.<id>` when the
 * URL is one (`/webhooks/t/<tenant>/<id>/<token>`), else the sample source's id.
 */
export function eventSourceFor(url: string, sourceId: string): string {
  const m = /\/webhooks\/t\/([^/]+)\/([^/]+)\/[^/]+$/.exec(new URL(url).pathname);
  return m ? `${decodeURIComponent(m[1]!)}.${decodeURIComponent(m[2]!)}` : sourceId;
}

/** `http://host:port` or a full webhook URL → the source's webhook URL. */
export function webhookUrl(base: string, sourceId: string): string {
  const u = new URL(base);
  if (u.pathname === '/' || u.pathname === '') return `${u.origin}/webhooks/${sourceId}${u.search}`;
  return u.href;
}

/** A template as `send` edits it: JSON, form fields, or JSON sent in one form field. */
type Doc =
  | { readonly kind: 'json'; readonly value: Record<string, unknown> }
  | { readonly kind: 'form'; readonly fields: URLSearchParams }
  | { readonly kind: 'wrapped'; readonly field: string; readonly value: Record<string, unknown> };

function parseTemplate(template: Buffer, rule: ContentTypeRule): Doc | undefined {
  const text = template.toString('utf8');
  if (rule.media === 'application/x-www-form-urlencoded') {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      const obj = JSON.parse(trimmed) as Record<string, unknown>;
      // The scheme reads JSON from a form field (GitHub, Slack interactivity): the JSON goes there.
      if (rule.jsonField !== undefined) return { kind: 'wrapped', field: rule.jsonField, value: obj };
      // Otherwise a JSON object file's fields become the form.
      return {
        kind: 'form',
        fields: new URLSearchParams(Object.entries(obj).map(([k, v]): [string, string] => [k, String(v)])),
      };
    }
    return { kind: 'form', fields: new URLSearchParams(trimmed) };
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { kind: 'json', value: value as Record<string, unknown> }
      : undefined;
  } catch {
    // Not JSON: sent as-is (useful to see the verifier reject it).
    return undefined;
  }
}

function serialize(doc: Doc): Buffer {
  if (doc.kind === 'form') return Buffer.from(doc.fields.toString());
  if (doc.kind === 'wrapped')
    return Buffer.from(new URLSearchParams({ [doc.field]: JSON.stringify(doc.value) }).toString());
  return Buffer.from(JSON.stringify(doc.value));
}

function getPath(doc: Doc, path: string): unknown {
  if (doc.kind === 'form') return doc.fields.get(path) ?? undefined;
  let value: unknown = doc.value;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function setPath(doc: Doc, path: string, value: string | number): void {
  if (doc.kind === 'form') {
    doc.fields.set(path, String(value));
    return;
  }
  const parts = path.split('.');
  let target = doc.value;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (typeof next !== 'object' || next === null) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]!] = value;
}

/** A new id shaped like the template's (`evt_…` keeps its prefix, a UUID stays a UUID). */
export function freshIdLike(existing: unknown): string {
  const text = typeof existing === 'string' ? existing : '';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(text)) return randomUUID();
  // Slack's trigger_id: `<digits>.<digits>.<hex>`.
  if (/^\d+\.\d+\.[0-9a-f]+$/.test(text))
    return `${randomDigits(11)}.${randomDigits(9)}.${randomBytes(16).toString('hex')}`;
  const prefix = /^([A-Za-z]+[_-])/.exec(text)?.[1] ?? '';
  if (/^[A-Za-z0-9+/]+=*$/.test(text) && text.endsWith('=')) return randomBytes(16).toString('base64');
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

function randomDigits(n: number): string {
  return Array.from(randomBytes(n), (b) => String(b % 10))
    .join('')
    .replace(/^0/, '1');
}
