/**
 * The message that travels through the queue and, by default, to the topic.
 * The payload is embedded as the provider's exact JSON text, not re-serialized: no precision is lost
 * on large numbers and no time is spent stringifying it again.
 */
import { createHash } from 'node:crypto';
import type { FieldLocator, Headers } from '../signatures/index';

export interface Envelope {
  readonly id: string;
  readonly source: string;
  /** The tenant a tenant source belongs to (its `source` is `<tenant>.<id>`); absent for a config-file source. */
  readonly tenant?: string | undefined;
  readonly type: string;
  /** ISO 8601. */
  readonly receivedAt: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: unknown;
}

export const MAX_ID_LENGTH = 200;
export const MAX_TYPE_LENGTH = 200;
export const UNKNOWN_TYPE = 'unknown';

/**
 * Builds the envelope JSON text around the raw payload text (which must already be valid JSON).
 */
export function serializeEnvelope(meta: Omit<Envelope, 'payload'>, payloadJson: string): string {
  // One stringify of the small fields (in this key order), then the payload text spliced in before the closing brace.
  return `${envelopeHead(meta)}${payloadJson}}`;
}

/** The envelope text up to its payload: `{"id":…,"headers":{…},"payload":`. */
function envelopeHead(meta: Omit<Envelope, 'payload'>): string {
  const head = JSON.stringify({
    id: meta.id,
    source: meta.source,
    ...(meta.tenant !== undefined && { tenant: meta.tenant }),
    type: meta.type,
    receivedAt: meta.receivedAt,
    headers: meta.headers,
  });
  return `${head.slice(0, -1)},"payload":`;
}

/**
 * The payload's exact text inside envelope `text` (as serializeEnvelope spliced it in), or undefined when `text`
 * was not built by serializeEnvelope from `envelope`'s fields. The archive reads a JSON body's bytes from here.
 */
export function payloadTextOf(text: string, envelope: Omit<Envelope, 'payload'>): string | undefined {
  const head = envelopeHead(envelope);
  return text.startsWith(head) && text.endsWith('}') ? text.slice(head.length, -1) : undefined;
}

/** The envelope `text` with its payload replaced by `payloadJson` (a claim check's payload put back). */
export function withPayload(
  text: string,
  envelope: Omit<Envelope, 'payload'>,
  payloadJson: string,
): string | undefined {
  return payloadTextOf(text, envelope) === undefined ? undefined : serializeEnvelope(envelope, payloadJson);
}

/** Parses and checks an envelope; returns undefined for anything that is not one. */
export function parseEnvelope(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id === '' || typeof e.source !== 'string' || typeof e.type !== 'string')
    return undefined;
  if (typeof e.receivedAt !== 'string' || Number.isNaN(Date.parse(e.receivedAt))) return undefined;
  if (!('payload' in e)) return undefined;
  const headers = typeof e.headers === 'object' && e.headers !== null ? (e.headers as Record<string, string>) : {};
  return {
    id: e.id,
    source: e.source,
    ...(typeof e.tenant === 'string' && { tenant: e.tenant }),
    type: e.type,
    receivedAt: e.receivedAt,
    headers,
    payload: e.payload,
  };
}

/** Why a provider's event id was not used (the event is then deduplicated on a hash of its body). */
export type UnusableIdReason = 'too_long' | 'control_characters' | 'unsafe_integer';

/** Told where an unusable value was found (never the value itself, which may be anything). */
export type OnUnusable = (from: FieldLocator, reason: UnusableIdReason) => void;

/**
 * Reads a field by header name or dotted body path, trying the locator's `fallback` when the first
 * place is empty. Only non-empty strings and finite numbers count.
 */
export function locate(
  locator: FieldLocator | undefined,
  headers: Headers,
  body: unknown,
  onUnusable?: OnUnusable,
): string | undefined {
  return locateFrom(locator, headers, body, onUnusable)?.value;
}

/** Like `locate`, also saying which locator (the first or a fallback) the value came from. */
export function locateFrom(
  locator: FieldLocator | undefined,
  headers: Headers,
  body: unknown,
  onUnusable?: OnUnusable,
): { value: string; from: FieldLocator } | undefined {
  if (!locator) return undefined;
  const value = locateOne(locator, headers, body, onUnusable);
  return value !== undefined ? { value, from: locator } : locateFrom(locator.fallback, headers, body, onUnusable);
}

/** `header x-github-delivery` or `bodyPath data.id`: where a field is read, for log lines. */
export function describeLocator(locator: FieldLocator): Record<string, string> {
  return 'header' in locator ? { header: locator.header } : { bodyPath: locator.bodyPath };
}

function locateOne(
  locator: FieldLocator,
  headers: Headers,
  body: unknown,
  onUnusable: OnUnusable | undefined,
): string | undefined {
  let value: unknown;
  if ('header' in locator) {
    value = headers[locator.header];
  } else {
    value = body;
    for (const part of locator.bodyPath.split('.')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      value = Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
    }
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    // JSON.parse rounds integers beyond 2^53, so two distinct ids could collide and the second event
    // be dropped as a duplicate: such an id is not used (the body hash is).
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      onUnusable?.(locator, 'unsafe_integer');
      return undefined;
    }
    return String(value);
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  return undefined;
}

/** Why `id` cannot be an event id as it is: over MAX_ID_LENGTH characters, or a control character in it. */
export function eventIdProblem(id: string): UnusableIdReason | undefined {
  if (id.length > MAX_ID_LENGTH) return 'too_long';
  if (hasControlChars(id)) return 'control_characters';
  return undefined;
}

/**
 * The event id: the provider's id when present and reasonable, else a SHA-256 of source + body,
 * so the same bytes from the same source always deduplicate.
 */
export function eventIdFor(source: string, providerId: string | undefined, body: Uint8Array): string {
  if (providerId !== undefined && eventIdProblem(providerId) === undefined) return providerId;
  return `sha256:${createHash('sha256').update(source).update('\n').update(body).digest('hex')}`;
}

export function eventTypeFor(type: string | undefined): string {
  if (type === undefined || hasControlChars(type)) return UNKNOWN_TYPE;
  return type.slice(0, MAX_TYPE_LENGTH);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
function hasControlChars(value: string): boolean {
  return CONTROL.test(value);
}
