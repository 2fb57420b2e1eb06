/** Outbound-specific errors; each maps to a response through the one `toHttpResponse` (../http.ts). */
import { BadRequestError, WebhookError } from '../kernel/errors';

/** The message id was accepted before with a different type or payload: an id names one message. */
export class IdempotencyConflictError extends WebhookError {
  override readonly name = 'IdempotencyConflictError';
  readonly statusCode = 409;
  readonly code = 'idempotency_conflict';
  constructor(readonly messageId: string) {
    super('A different message was already accepted with this id.');
  }
}

/** A transform returned something that is not JSON text: a bug in the tenant's code, not a delivery failure. */
export class TransformError extends Error {
  override readonly name = 'TransformError';
}

/** No endpoint, delivery or message with this id for this tenant. */
export class NotFoundError extends WebhookError {
  override readonly name = 'NotFoundError';
  readonly statusCode = 404;
  readonly code = 'not_found';
  constructor(what: 'endpoint' | 'delivery' | 'message' | 'recovery' | 'route' | 'event' | 'queue') {
    super(`No such ${what}.`);
  }
}

/** An endpoint URL the SSRF guard refuses, or whose host does not resolve, at registration. */
export class UrlRefusedError extends WebhookError {
  override readonly name = 'UrlRefusedError';
  readonly statusCode = 422;
  readonly code = 'url_refused';
  constructor(reason: string) {
    super(`The endpoint URL is refused: ${reason}.`);
  }
}

/** A recovery asked of a disabled endpoint: its deliveries would be skipped again at once. */
export class EndpointDisabledError extends WebhookError {
  override readonly name = 'EndpointDisabledError';
  readonly statusCode = 409;
  readonly code = 'endpoint_disabled';
  constructor(endpointId: string) {
    super(`Endpoint ${endpointId} is disabled: enable it first (its deliveries would be skipped again).`);
  }
}

/** An id (a path parameter, a queue attribute, a field naming a record) that breaks the rule of ids.ts. */
export class InvalidIdError extends BadRequestError {
  override readonly name = 'InvalidIdError';
  override readonly code = 'invalid_id';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}.`);
  }
}

/** A list cursor the API did not give (or gave for another list): the caller should start from the first page. */
export class InvalidCursorError extends BadRequestError {
  override readonly name = 'InvalidCursorError';
  override readonly code = 'invalid_cursor';
  constructor() {
    super('cursor is not one this list gave: start again without it.');
  }
}
