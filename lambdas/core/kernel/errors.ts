/**
 * Typed errors. Each carries the HTTP status it maps to and a stable, machine-readable `code`
 * that appears in the JSON response body. `name` is a literal so minified bundles keep it.
 * The single place that turns errors into responses is `toHttpResponse` in `./http.ts`.
 */
export abstract class WebhookError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Readonly<Record<string, string>> = {};
  /** Whether the message is safe to show the caller (4xx only). */
  get expose(): boolean {
    return this.statusCode < 500;
  }
}

export class UnknownSourceError extends WebhookError {
  override readonly name = 'UnknownSourceError';
  readonly statusCode = 404;
  readonly code = 'unknown_source';
  constructor(message = 'No webhook source is configured at this path.') {
    super(message);
  }
}

export class ForbiddenSourceIpError extends WebhookError {
  override readonly name = 'ForbiddenSourceIpError';
  readonly statusCode = 403;
  readonly code = 'forbidden_source_ip';
  constructor() {
    super('The request did not come from an allowed address.');
  }
}

export class PayloadTooLargeError extends WebhookError {
  override readonly name = 'PayloadTooLargeError';
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
  constructor(readonly limitBytes: number) {
    super(`The body exceeds the ${limitBytes}-byte limit for this source.`);
  }
}

export class InvalidSignatureError extends WebhookError {
  override readonly name = 'InvalidSignatureError';
  readonly statusCode = 401;
  readonly code: string;
  /** The verifier's typed reason, e.g. `signature_mismatch`, `stale_timestamp`. */
  constructor(readonly reason: string) {
    super('The webhook signature could not be verified.');
    this.code = reason === 'stale_timestamp' || reason === 'future_timestamp' ? reason : 'invalid_signature';
  }
}

export class UnsupportedContentTypeError extends WebhookError {
  override readonly name = 'UnsupportedContentTypeError';
  readonly statusCode = 415;
  readonly code = 'unsupported_content_type';
  constructor(expected: string) {
    super(`This source accepts ${expected} bodies only.`);
  }
}

export class InvalidBodyError extends WebhookError {
  override readonly name = 'InvalidBodyError';
  readonly statusCode = 400;
  readonly code = 'invalid_body';
  constructor(message = 'The body is not valid JSON.') {
    super(message);
  }
}

export class HandshakeRefusedError extends WebhookError {
  override readonly name = 'HandshakeRefusedError';
  readonly statusCode = 403;
  readonly code = 'handshake_refused';
  constructor() {
    super('The subscription check did not match this source.');
  }
}

export class BadRequestError extends WebhookError {
  override readonly name: string = 'BadRequestError';
  readonly statusCode = 400;
  /** A subclass names a more precise case (e.g. `invalid_id`). */
  readonly code: string = 'bad_request';
}

export class EventInFlightError extends WebhookError {
  override readonly name = 'EventInFlightError';
  readonly statusCode = 409;
  readonly code = 'event_in_flight';
  override readonly headers: Readonly<Record<string, string>>;
  constructor(
    readonly eventId: string,
    retryAfterSeconds: number,
  ) {
    super('This event is being ingested by another request; retry later.');
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}

/** A tenant source the management API was asked about does not exist. */
export class NoSuchSourceError extends WebhookError {
  override readonly name = 'NoSuchSourceError';
  readonly statusCode = 404;
  readonly code = 'not_found';
  constructor() {
    super('No such source.');
  }
}

/** A tenant source with this id exists already. */
export class SourceExistsError extends WebhookError {
  override readonly name = 'SourceExistsError';
  readonly statusCode = 409;
  readonly code = 'source_exists';
  constructor(id: string) {
    super(`This tenant already has a source "${id}": update it, or delete it first.`);
  }
}

/**
 * Too many requests to webhook URLs the verifier had to look up (unknown paths, or sources not yet cached) in this
 * second: the lookup budget (`SOURCE_MISSES_PER_SECOND`) keeps a flood of random paths from reaching the table.
 */
export class LookupThrottledError extends WebhookError {
  override readonly name = 'LookupThrottledError';
  readonly statusCode = 503;
  readonly code = 'temporarily_unavailable';
  override readonly headers = { 'retry-after': '1' };
  constructor() {
    super('Too many lookups of webhook sources right now; retry shortly.');
  }
}

/** The source is over its rate limit: nothing was written; the sender should retry after Retry-After. */
export class RateLimitedError extends WebhookError {
  override readonly name = 'RateLimitedError';
  readonly statusCode = 429;
  readonly code = 'rate_limited';
  override readonly headers: Readonly<Record<string, string>>;
  constructor(retryAfterSeconds: number) {
    super('This source is over its rate limit; retry later.');
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}

/** A dependency (store, queue, secrets) is unavailable: the sender should retry. */
export class DependencyUnavailableError extends WebhookError {
  override readonly name = 'DependencyUnavailableError';
  readonly statusCode = 503;
  readonly code = 'temporarily_unavailable';
  override readonly headers = { 'retry-after': '5' };
  constructor(
    readonly dependency: 'event_store' | 'queue' | 'secrets' | 'topic' | 'archive' | 'source_store',
    options?: { cause?: unknown },
  ) {
    super(`The ${dependency} is temporarily unavailable.`, options);
  }
}

/** Invalid configuration: thrown at cold start or synth, never mapped to a caller's 4xx. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
