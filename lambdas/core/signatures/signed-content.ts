/**
 * A layout's signed-content template filled in for one request: the exact parts, in order, that the
 * HMAC covers. verify, sign and the CLI's diagnosis all build the signed bytes here.
 */
import type { Layout } from './description';

export interface ContentValues {
  readonly body: Uint8Array;
  readonly timestamp?: string | undefined;
  readonly id?: string | undefined;
  readonly url?: string | undefined;
}

const PLACEHOLDER = /\{(body|timestamp|id|url|params)\}/;
const templates = new Map<string, readonly string[]>();

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
  return new Set(compile(template).filter((_, i) => i % 2 === 1));
}

/** The parts to feed the HMAC, in order; the body is passed through, never copied or decoded. */
export function signedParts(layout: Layout, values: ContentValues): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = [];
  const parts = compile(layout.signedContent);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i % 2 === 0) {
      if (part !== '') out.push(part);
    } else if (part === 'body') out.push(values.body);
    else if (part === 'params') out.push(bodyIsHashed(layout, values.url) ? '' : sortedFormParams(values.body));
    else out.push(values[part as 'timestamp' | 'id' | 'url'] ?? '');
  }
  return out;
}

/** The signed bytes as one buffer (for the diagnosis; verify feeds the parts to the HMAC directly). */
export function signedBytes(layout: Layout, values: ContentValues): Buffer {
  return Buffer.concat(signedParts(layout, values).map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
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
  const values = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(new TextDecoder().decode(body))) {
    let set = values.get(name);
    if (!set) values.set(name, (set = new Set()));
    set.add(value);
  }
  let out = '';
  for (const name of [...values.keys()].sort()) {
    for (const value of [...(values.get(name) as Set<string>)].sort()) out += name + value;
  }
  return out;
}
