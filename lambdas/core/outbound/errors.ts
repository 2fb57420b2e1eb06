/** Outbound-specific errors; each maps to a response through the one `toHttpResponse` (../http.ts). */
import { WebhookError } from '../kernel/errors';

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
  constructor(what: 'endpoint' | 'delivery' | 'message' | 'route') {
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
