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
