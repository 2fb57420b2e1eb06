/**
 * How the CLI prints what it found, so that a table and its `--json` say the same thing: a table's headings are
 * its JSON field names in words (`inFlight` → `IN FLIGHT`), and a time is an ISO 8601 UTC string in both
 * (the "CLI output" decision in docs/decisions/). Durations are numbers of milliseconds in fields ending in `Ms`.
 * Whatever text came from outside (tenants' URLs, descriptions and header names, receivers' response bodies, event
 * ids, the API's error messages) reaches the terminal through `terminalSafe`: every table cell, every JSON line, and
 * each field the commands print themselves.
 */
import type { CliIo } from '../command';

/**
 * C0 and C1 control characters, DEL, and the Unicode controls that reorder or break lines (bidirectional
 * overrides and isolates, the line and paragraph separators).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_FOR_TERMINALS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from outside as it may be written to a terminal: each character that could move the cursor, recolour, set
 * the window title, clear the screen, hide text or make a line read as another (an escape sequence, CR, a bidi
 * override) written as a `\uXXXX` escape instead. The escapes are JSON's, so a JSON line stays valid JSON.
 *
 * @example terminalSafe('ok\u001b[2J') // 'ok\\u001b[2J': shown as the six characters \u001b, not run
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINALS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A time as the CLI prints it, table and JSON alike: `2026-12-02T06:56:12.900Z`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The epoch-ms fields of the outbound API's answers (endpoints, deliveries, attempts, messages, an endpoint's
 * status, a recovery run). The API and the stores keep epoch ms; the CLI prints them as times. (An event record's
 * `expiresAt` is epoch seconds, a DynamoDB TTL: the events command converts its records itself.)
 */
const API_TIMES: ReadonlySet<string> = new Set([
  'at',
  'createdAt',
  'updatedAt',
  'nextAttemptAt',
  'exhaustedNotifiedAt',
  'previousSecretExpiresAt',
  'openedAt',
  'openUntil',
  'probeUntil',
  'failingSince',
  'disableAt',
  'expiresAt',
  'since',
  'until',
  'startedAt',
  'finishedAt',
  'position',
]);

/** An outbound API answer with its times as ISO strings, every other field unchanged. */
export function withIsoTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withIsoTimes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      API_TIMES.has(k) && typeof v === 'number' ? isoTime(v) : withIsoTimes(v),
    ]),
  );
}

/** Prints one JSON line (`terminalSafe`: JSON.stringify leaves C1 and bidi controls as they are); returns 0. */
export function printJson(io: CliIo, value: unknown): number {
  io.out(terminalSafe(JSON.stringify(value)));
  return 0;
}

/** A field name as a table heading: `deadLetters` → `DEAD LETTERS`, `latencyMs` → `LATENCY MS`. */
export function heading(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toUpperCase();
}

/**
 * The lines of a table of `rows` with one column per field, headed by the field's name in words. A cell is the
 * field's value (numbers right-aligned), or what `show` makes of the row for that field; every cell terminalSafe.
 */
export function table<R extends object>(
  rows: readonly R[],
  fields: readonly (keyof R & string)[],
  show: { readonly [F in keyof R]?: (row: R) => string } = {},
): string[] {
  const cell = (row: R, f: keyof R & string): string => terminalSafe(show[f]?.(row) ?? String(row[f] ?? ''));
  const grid = [fields.map(heading), ...rows.map((row) => fields.map((f) => cell(row, f)))];
  const widths = fields.map((_, c) => Math.max(...grid.map((line) => line[c]!.length)));
  // Right-aligned: numbers shown as they are (an epoch-ms time shown as ISO text is not one).
  const numeric = fields.map((f) => !show[f] && rows.length > 0 && rows.every((r) => typeof r[f] === 'number'));
  return grid.map((line) =>
    line
      .map((text, c) =>
        numeric[c] ? text.padStart(widths[c]!) : c === fields.length - 1 ? text : text.padEnd(widths[c]!),
      )
      .join('  ')
      .trimEnd(),
  );
}
