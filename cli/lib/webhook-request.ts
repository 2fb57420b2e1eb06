/**
 * Builds the request a provider would send: the payload (with a fresh event id and send time unless
 * asked not to), the provider's extra headers, and the signature headers from the scheme's `sign`.
 * Shared by `send`, the end-to-end tests and the load bench, so all three sign exactly alike.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalSource, TimestampField } from '../../config/local';
import { sourceSchema, type SourceConfig } from '../../lib/config-schema';
import { schemes } from '../../lambdas/core/signatures/index';
import type { FieldLocator, Scheme } from '../../lambdas/core/signatures/types';

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
}

export function senderFor(local: LocalSource, secret: string = local.secret): Sender {
  const source = sourceSchema.parse(local.source);
  const scheme = schemes[source.scheme] as Scheme<unknown>;
  return {
    source,
    scheme,
    options: scheme.optionsSchema.parse(source.schemeOptions),
    secret,
    headers: local.headers ?? {},
    timestampFields: local.timestampFields ?? [],
    uniqueField: local.uniqueField,
    idLocator: source.eventId ?? scheme.eventId,
  };
}

/** The content type the scheme's provider sends. */
export function contentTypeFor(sender: Sender): string {
  return sender.scheme.contentTypes(sender.options)[0]?.media ?? 'application/json';
}

/** The repository root (this file is cli/lib/webhook-request.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Reads a payload file given by the user (relative to the working directory). */
export function readPayload(path: string): Buffer {
  return readFileSync(resolve(path));
}

/** The source's sample payload from examples/. */
export function readExample(local: LocalSource): Buffer {
  return readFileSync(resolve(REPO_ROOT, local.example));
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
export function preparePayload(sender: Sender, template: Buffer, o: { nowMs: number; id?: string; keepId?: boolean }): PreparedPayload {
  const form = contentTypeFor(sender) === 'application/x-www-form-urlencoded';
  const doc = parseTemplate(template, form);
  const locator = sender.idLocator;
  let eventId: string | undefined;
  let idHeader: readonly [string, string] | undefined;

  if (locator && 'header' in locator) {
    eventId = o.id ?? (o.keepId ? undefined : randomUUID());
    if (eventId !== undefined) idHeader = [locator.header, eventId];
  } else if (doc !== undefined && !o.keepId) {
    const path = locator && 'bodyPath' in locator ? locator.bodyPath : sender.uniqueField;
    if (path !== undefined) {
      const fresh = o.id ?? freshIdLike(getPath(doc, path));
      setPath(doc, path, fresh);
      if (locator) eventId = fresh;
    }
  } else if (doc !== undefined && locator && 'bodyPath' in locator) {
    const existing = getPath(doc, locator.bodyPath);
    eventId = typeof existing === 'string' || typeof existing === 'number' ? String(existing) : undefined;
  }
  if (doc !== undefined && !o.keepId) {
    for (const field of sender.timestampFields) {
      setPath(doc, field.bodyPath, field.unit === 'milliseconds' ? o.nowMs : Math.floor(o.nowMs / 1000));
    }
  }
  const changed = doc !== undefined && (!o.keepId || o.id !== undefined);
  const body = changed ? serialize(doc, form) : template;
  return { body, eventId, idHeader };
}

export interface SignedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Signs `payload` for `url` at `nowMs`: content type, provider headers, id header, signature headers. */
export function signRequest(sender: Sender, payload: PreparedPayload, url: string, nowMs: number): SignedRequest {
  const signed = sender.scheme.sign({
    body: payload.body,
    secret: sender.secret,
    timestampSeconds: Math.floor(nowMs / 1000),
    url,
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
  return { url, headers, body: payload.body };
}

/** `http://host:port` or a full webhook URL → the source's webhook URL. */
export function webhookUrl(base: string, sourceId: string): string {
  const u = new URL(base);
  if (u.pathname === '/' || u.pathname === '') return `${u.origin}/webhooks/${sourceId}${u.search}`;
  return u.href;
}

type Doc = Record<string, unknown> | URLSearchParams;

function parseTemplate(template: Buffer, form: boolean): Doc | undefined {
  const text = template.toString('utf8');
  if (form) {
    const trimmed = text.trim();
    // A JSON object file is accepted for form sources too: its fields become the form.
    if (trimmed.startsWith('{')) {
      const obj = JSON.parse(trimmed) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(obj).map(([k, v]): [string, string] => [k, String(v)]));
    }
    return new URLSearchParams(trimmed);
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON: sent as-is (useful to see the verifier reject it).
    return undefined;
  }
}

function serialize(doc: Doc, form: boolean): Buffer {
  if (form || doc instanceof URLSearchParams) return Buffer.from(doc.toString());
  return Buffer.from(JSON.stringify(doc));
}

function getPath(doc: Doc, path: string): unknown {
  if (doc instanceof URLSearchParams) return doc.get(path) ?? undefined;
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function setPath(doc: Doc, path: string, value: string | number): void {
  if (doc instanceof URLSearchParams) {
    doc.set(path, String(value));
    return;
  }
  const parts = path.split('.');
  let target = doc as Record<string, unknown>;
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
  const prefix = /^([A-Za-z]+[_-])/.exec(text)?.[1] ?? '';
  if (/^[A-Za-z0-9+/]+=*$/.test(text) && text.endsWith('=')) return randomBytes(16).toString('base64');
  return `${prefix}${randomBytes(12).toString('hex')}`;
}
