/**
 * The one rule for the ids that name outbound records, checked wherever an id enters the stack: the API's path
 * parameters and the ids a request names in its query or body, the intake queue's attributes, the relay's rules
 * and the message ids it makes. An id that breaks it is a 400 naming the field, never a DynamoDB key-size 500.
 *
 * - **tenant, endpoint, delivery, recovery**: 1–64 characters of `A–Z a–z 0–9 _ -`. They are parts of table keys
 *   (`TENANT#<tenant>`, `DLVS#<tenant>#<endpoint>`), of URL paths and of IAM resource ARNs (`…/v1/tenants/acme/*`),
 *   so nothing a key, a path, a policy, a shell or a terminal treats specially: no `#`, `/`, `.`, `*`, space or
 *   control character. The stack makes endpoint (`ep_…`), delivery (`dlv_…`) and recovery (`rcv_…`, `rpl_…`) ids
 *   in this alphabet; the tenant's is the operator's choice.
 * - **message**: 1–256 visible ASCII characters (`!` to `~`). Producers choose it (an idempotency key; a relayed
 *   event's `source:eventId`), and it travels as the `webhook-id` header and inside the signed content, so no
 *   space and no control character. It is always the last part of its key, so any visible character is safe there.
 *
 * Both limits keep every key far below DynamoDB's (2,048 bytes for a partition key, 1,024 for a sort key).
 */
import { InvalidIdError } from './errors';

export type IdKind = 'tenant' | 'endpoint' | 'delivery' | 'recovery' | 'message';

const KEY_SAFE = { pattern: /^[A-Za-z0-9_-]+$/, max: 64, says: 'letters, digits, _ or -' };
const RULES: Readonly<Record<IdKind, typeof KEY_SAFE>> = {
  tenant: KEY_SAFE,
  endpoint: KEY_SAFE,
  delivery: KEY_SAFE,
  recovery: KEY_SAFE,
  message: { pattern: /^[\x21-\x7e]+$/, max: 256, says: 'visible ASCII characters (no space, no control character)' },
};

/** What is wrong with `value` as an id of this kind, or undefined when it is a valid id. Never quotes the value. */
export function idProblem(kind: IdKind, value: unknown): string | undefined {
  const rule = RULES[kind];
  const expected = `must be 1-${rule.max} ${rule.says}`;
  if (typeof value !== 'string' || value.length === 0) return expected;
  if (value.length > rule.max) return `${expected} (got ${value.length} characters)`;
  return rule.pattern.test(value) ? undefined : `${expected} (got another character)`;
}

/**
 * `value` when it is a valid id of this kind; else an `InvalidIdError` (400) naming `field`.
 *
 * @example checkId('tenant', pathParameters.tenant) // 'acme', or throws "tenant must be 1-64 letters, digits, _ or -"
 */
export function checkId(kind: IdKind, value: unknown, field: string = kind): string {
  const problem = idProblem(kind, value);
  if (problem !== undefined) throw new InvalidIdError(field, problem);
  return value as string;
}

/** The path parameters of an API route, each checked by the rule of the id it names (`{tenant}`, `{endpoint}`, …). */
export function checkPathIds(params: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!(name in RULES)) throw new TypeError(`path parameter {${name}} names no kind of id`);
    checked[name] = checkId(name as IdKind, value);
  }
  return checked;
}
