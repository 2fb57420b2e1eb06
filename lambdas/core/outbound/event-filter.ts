/**
 * Event-type filters: an endpoint receives a message only when one of its patterns matches the type.
 *
 * A pattern is one of:
 * - `*`: every type;
 * - `prefix.*`: every type that starts with `prefix.` (so `invoice.*` matches `invoice.paid` and
 *   `invoice.line.added`, but not `invoice` itself nor `invoices.paid`);
 * - an exact type, e.g. `invoice.paid`.
 * The same grammar as the processor's routes (core/inbound/routing.ts), but stricter: a `*` anywhere
 * else (`inv*`, `*.paid`) is refused at registration instead of silently meaning a prefix.
 */

/** An event type: dot-separated segments of letters, digits, `_`, `-` and `:`; at most 256 characters. */
export const EVENT_TYPE = /^[A-Za-z0-9_:-]+(?:\.[A-Za-z0-9_:-]+)*$/;
const MAX_TYPE_LENGTH = 256;

/** Whether `type` is a valid event type. */
export function isEventType(type: string): boolean {
  return type.length <= MAX_TYPE_LENGTH && EVENT_TYPE.test(type);
}

/** Whether `pattern` is `*`, `<event type>.*`, or an event type. */
export function isFilterPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  return isEventType(pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern);
}

/** Whether one pattern matches `type`. */
export function matchesPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/**
 * Whether any of the patterns matches `type`. An empty list matches nothing (the endpoint schema
 * never stores one: it defaults to `['*']`).
 *
 * @example matchesFilter(['invoice.*', 'customer.created'], 'invoice.paid') // true
 */
export function matchesFilter(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => matchesPattern(p, type));
}
