/**
 * The body, once its signature is verified: matched against the content types the scheme declares,
 * then parsed into the envelope's payload.
 * - JSON (`application/json` or `application/<x>+json`): the payload is the provider's exact text.
 * - Forms: an object of the fields; a name that repeats becomes an array of its values, in order
 *   (a single one stays a string). Where the provider wraps JSON in a field (GitHub's form
 *   deliveries and Slack interactivity: `payload`), the payload is that JSON, parsed.
 */
import { InvalidBodyError, UnsupportedContentTypeError } from '../kernel/errors';
import type { ContentTypeRule } from '../signatures/description';

export interface ParsedBody {
  readonly rule: ContentTypeRule;
  /** What id/type locators and handshakes read. */
  readonly parsed: unknown;
  /** The payload as JSON text, spliced into the envelope as is. */
  readonly payloadJson: string;
}

const JSON_SUFFIX = /^application\/[a-z0-9.+-]+\+json$/;

/** The rule for this request's content type; 415 when the scheme does not declare it. */
export function contentTypeRule(rules: readonly ContentTypeRule[], header: string | undefined): ContentTypeRule {
  const media = mediaType(header);
  const rule = rules.find((r) => r.media === media || (r.media === 'application/json' && JSON_SUFFIX.test(media)));
  if (!rule) throw new UnsupportedContentTypeError(rules.map((r) => r.media).join(' or '));
  return rule;
}

export function parseBody(rule: ContentTypeRule, text: string): ParsedBody {
  if (rule.media === 'application/json') return { rule, parsed: parseJson(text), payloadJson: text };
  const form = formFields(text);
  const wrapped = rule.jsonField === undefined ? undefined : form[rule.jsonField];
  if (typeof wrapped === 'string') {
    const parsed = parseJson(wrapped, `The form field "${rule.jsonField}" is not valid JSON.`);
    return { rule, parsed, payloadJson: JSON.stringify(parsed) };
  }
  return { rule, parsed: form, payloadJson: JSON.stringify(form) };
}

/** Form fields by name; a repeated name's values in an array, in order. */
export function formFields(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = out[name];
    out[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return { ...out };
}

function parseJson(text: string, message?: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidBodyError(message);
  }
}

/** `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  if (header === undefined) return '';
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}
