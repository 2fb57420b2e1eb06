/**
 * Intake: a tenant's message is accepted once per (tenant, id), then fanned out to its deliveries.
 *
 * - One conditional put records the message; a second accept with the same id finds it.
 * - Same id, same type and payload (byte for byte): `duplicate`, nothing sent twice.
 * - Same id, different type or payload: 409 `idempotency_conflict`. An id names one message; silently
 *   keeping the first payload would hide a bug in the sender, and replacing it would break "accepted once".
 * - The answer (`accepted` or `duplicate`) comes only after every delivery exists. Every accept, a duplicate's
 *   too, runs the fan-out (delivery ids are deterministic: nothing is created twice) and answers with the
 *   deliveries as stored, so a crash anywhere before the wake-ups is repaired by the sender's retry: it completes
 *   the fan-out and wakes what was never attempted (submit.ts). An endpoint added since the first accept gets a
 *   delivery from the retry too (decision 0027).
 * - The record, and with it the idempotency key, lives `messagesDays` of the retention settings (retention.ts:
 *   30 days by default, never under 24 h), at least as long as its deliveries, which outlive the retry schedule,
 *   so a message is kept while any of its deliveries may still be attempted.
 */
import { createHash } from 'node:crypto';
import { BadRequestError } from '../../kernel/errors';
import { IdempotencyConflictError } from '../errors';
import { checkId } from '../ids';
import { fanout, type FanoutDeps } from './fanout';
import { isEventType } from '../event-filter';
import type { Delivery, MessageRecord } from '../model';
import type { MessageStore } from '../ports';
import { DEFAULT_RETENTION, expiry, type RetentionSettings } from '../retention';

/** The idempotency window of a message id can never be shorter than this. */
export const MIN_RETENTION_MS = 24 * 3600 * 1000;
/** Leaves room under SQS's 256 KiB for the delivery message and under DynamoDB's 400 KB item limit. */
export const MAX_PAYLOAD_BYTES = 200 * 1024;

export interface MessageInput {
  readonly tenantId: string;
  readonly id: string;
  readonly type: string;
  /** The payload's JSON text, kept byte for byte. */
  readonly payload: string;
}

export type IntakeOutcome = {
  readonly status: 'accepted' | 'duplicate';
  readonly message: MessageRecord;
  /**
   * Every delivery of the message to a current matching endpoint, as stored now (created by this call or found):
   * the caller wakes the `pending` ones never attempted; the `skipped` ones (disabled endpoints) are recorded only.
   */
  readonly deliveries: readonly Delivery[];
};

export interface IntakeDeps extends FanoutDeps {
  readonly messages: MessageStore;
  readonly nowMs: number;
  /** How long records are kept; `messagesDays` is also the idempotency window. @default DEFAULT_RETENTION */
  readonly retention?: RetentionSettings;
}

/** Validates, records once, and fans out. Throws `BadRequestError` (400) or `IdempotencyConflictError` (409). */
export async function acceptMessage(input: MessageInput, deps: IntakeDeps): Promise<IntakeOutcome> {
  validate(input);
  const { expiresAt } = expiry('message', deps.nowMs, deps.retention ?? DEFAULT_RETENTION);
  if (expiresAt - deps.nowMs < MIN_RETENTION_MS)
    throw new RangeError('message retention (the idempotency window) must be at least 24 hours');

  const record: MessageRecord = {
    tenantId: input.tenantId,
    id: input.id,
    type: input.type,
    payload: input.payload,
    fingerprint: fingerprint(input.type, input.payload),
    createdAt: deps.nowMs,
    expiresAt,
  };
  const put = await deps.messages.putIfAbsent(record, deps.nowMs);
  if (!put.created && put.existing.fingerprint !== record.fingerprint) throw new IdempotencyConflictError(input.id);
  const message = put.created ? record : put.existing;
  const { deliveries } = await fanout(message, deps, deps.nowMs);
  return { status: put.created ? 'accepted' : 'duplicate', message, deliveries };
}

function validate(input: MessageInput): void {
  checkId('tenant', input.tenantId);
  checkId('message', input.id, 'id');
  if (!isEventType(input.type))
    throw new BadRequestError('type must be dot-separated segments of letters, digits, _, - or :');
  if (Buffer.byteLength(input.payload, 'utf8') > MAX_PAYLOAD_BYTES)
    throw new BadRequestError(`payload exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  try {
    JSON.parse(input.payload);
  } catch {
    throw new BadRequestError('payload is not valid JSON');
  }
}

function fingerprint(type: string, payload: string): string {
  return createHash('sha256')
    .update(JSON.stringify([type, payload]))
    .digest('hex');
}
