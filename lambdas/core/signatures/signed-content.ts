/**
 * A layout's signed-content template filled in for one request: the exact parts, in order, that the
 * HMAC covers. verify, sign and the CLI's diagnosis all build the signed bytes here.
 */
import type { Layout } from './description';

export interface ContentValues {
  readonly timestampText?: string | undefined;
  readonly id?: string | undefined;
  readonly url?: string | undefined;
  /** `{params}`, from `paramsFor` (computed once per request, not per URL spelling tried). */
  readonly params?: string | undefined;
}

const PLACEHOLDER = /\{(body|timestamp|id|url|params)\}/;
const templates = new Map<string, readonly string[]>();
const used = new Map<string, ReadonlySet<string>>();
const utf8 = new TextDecoder();

/** `'{timestamp}.{body}'` → `['', 'timestamp', '.', 'body', '']`: literal text at even indices, names at odd. */
function compile(template: string): readonly string[] {
  let parts = templates.get(template);
  if (!parts) {
    parts = template.split(new RegExp(PLACEHOLDER.source, 'g'));
    if (templates.size < 64) templates.set(template, parts);
  }
  return parts;
}

/** The placeholders a template uses. */
export function placeholders(template: string): ReadonlySet<string> {
  let names = used.get(template);
  if (!names) {
    names = new Set(compile(template).filter((_, i) => i % 2 === 1));
    if (used.size < 64) used.set(template, names);
  }
  return names;
}

/** The parts to feed the HMAC, in order; the body is passed through, never copied or decoded. */
export function signedParts(layout: Layout, values: ContentValues, body: Uint8Array): (string | Uint8Array)[] {
  const parts = compile(layout.signedContent);
  // The usual template, the body alone: nothing to fill in.
  if (parts.length === 3 && parts[1] === 'body' && parts[0] === '' && parts[2] === '') return [body];
  const out: (string | Uint8Array)[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i % 2 === 0) {
      if (part !== '') out.push(part);
    } else if (part === 'body') out.push(body);
    else out.push(values[part === 'timestamp' ? 'timestampText' : (part as 'id' | 'url' | 'params')] ?? '');
  }
  return out;
}

/** The signed bytes as one buffer (for the diagnosis; verify feeds the parts to the HMAC directly). */
export function signedBytes(layout: Layout, values: ContentValues, body: Uint8Array): Buffer {
  return Buffer.concat(
    signedParts(layout, values, body).map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)),
  );
}

/** `{params}` for a request: the sorted form parameters, or '' when the URL carries the body's hash instead. */
export function paramsFor(layout: Layout, url: string | undefined, body: Uint8Array): string {
  return bodyIsHashed(layout, url) ? '' : sortedFormParams(body);
}

/** Whether the URL carries the body's hash instead of the body being signed (Twilio JSON deliveries). */
export function bodyIsHashed(layout: Layout, url: string | undefined): boolean {
  const param = layout.url?.bodyHashParam;
  if (param === undefined || url === undefined) return false;
  try {
    return new URL(url).searchParams.has(param);
  } catch {
    return false;
  }
}

/**
 * Form parameters as Twilio signs them: names sorted, each followed by its value; a repeated name
 * contributes each distinct value, sorted. Parsed with URLSearchParams (the WHATWG form parser).
 */
export function sortedFormParams(body: Uint8Array): string {
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(utf8.decode(body))) {
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  let out = '';
  for (const name of [...values.keys()].sort()) {
    // Sorted, so a repeated value is next to its twin: each distinct value once.
    const list = (values.get(name) as string[]).sort();
    for (let i = 0; i < list.length; i++) if (i === 0 || list[i] !== list[i - 1]) out += name + (list[i] as string);
  }
  return out;
}
