/**
 * The body of `POST /v1/tenants/{tenant}/messages`: `{"type": "...", "payload": <any JSON>, "id"?: "..."}`.
 * The payload is kept as the exact text the producer sent (large integers, key order, spacing), so it is
 * sliced out of the body rather than re-serialised after JSON.parse.
 */
import * as z from 'zod/mini';
import { BadRequestError } from '../../kernel/errors';
import { describeIssues } from '../../kernel/issues';

/** The body's fields as JSON: what the OpenAPI document shows and `parseMessageBody` checks. */
export const messageBodySchema = z.object({
  /** The event type, e.g. `invoice.paid`: endpoints' filters match it. */
  type: z.string(),
  /** The message id (also the `Idempotency-Key` header): one message per id and tenant. @default a random id */
  id: z.optional(z.string()),
  /** Any JSON: delivered byte for byte as sent. */
  payload: z.unknown(),
});

export interface MessageBody {
  readonly type: string;
  readonly id?: string;
  /** The payload's JSON text, byte for byte as sent. */
  readonly payload: string;
}

/** Parses and validates the body; `idempotencyKey` (the header) must agree with a body `id`. */
export function parseMessageBody(text: string, idempotencyKey: string | undefined): MessageBody {
  const checked = messageBodySchema.safeParse(parseJsonObject(text));
  if (!checked.success) throw new BadRequestError(`${describeIssues(checked.error.issues)}.`);
  const { type, id } = checked.data;
  if (id !== undefined && idempotencyKey !== undefined && id !== idempotencyKey)
    throw new BadRequestError('The Idempotency-Key header and the body id differ.');
  const payload = topLevelValueText(text, 'payload');
  if (payload === undefined) throw new BadRequestError('payload is required.');
  const messageId = id ?? idempotencyKey;
  return { type, payload, ...(messageId !== undefined && { id: messageId }) };
}

/** A `/v1` request body that must be a JSON object: 400 when it is not JSON, or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequestError('The body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new BadRequestError('The body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

const WS = new Set([' ', '\t', '\n', '\r']);

/**
 * The source text of a top-level member's value in a JSON object already known to be valid; the last one
 * when the key repeats (as JSON.parse keeps the last).
 */
export function topLevelValueText(json: string, key: string): string | undefined {
  let i = 0;
  const skipWs = () => {
    while (i < json.length && WS.has(json[i]!)) i++;
  };
  const skipString = () => {
    const start = i;
    i++; // opening quote
    while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(json.slice(start, i)) as string;
  };
  const skipValue = () => {
    if (json[i] === '"') return void skipString();
    let depth = 0;
    while (i < json.length) {
      const c = json[i]!;
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) return;
        depth--;
        if (depth === 0) return void i++;
      } else if (c === ',' && depth === 0) return;
      i++;
    }
  };
  let found: string | undefined;
  skipWs();
  i++; // {
  for (;;) {
    skipWs();
    if (json[i] === '}') return found;
    const name = skipString();
    skipWs();
    i++; // :
    skipWs();
    const start = i;
    skipValue();
    if (name === key) found = json.slice(start, i).trimEnd();
    skipWs();
    if (json[i] === ',') i++;
  }
}
