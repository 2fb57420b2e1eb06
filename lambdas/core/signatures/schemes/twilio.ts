/**
 * Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 with the account's auth token over
 * - form bodies: the full URL followed by every POST parameter, sorted by name, as name+value
 *   (a repeated name contributes each distinct value, sorted);
 * - JSON bodies: the URL only, whose query carries `bodySHA256` = hex SHA-256 of the body, which
 *   must then match the body.
 * Like Twilio's own libraries, the URL is tried as received, without its port, and with the
 * scheme's default port (443/80) added, plus the legacy form with `'` left unescaped in the query.
 * Set `url` when the URL configured in Twilio differs from the request URL seen here.
 * Nothing time-bound is signed: deduplicate on `I-Twilio-Idempotency-Token`.
 */
import * as z from 'zod/mini';
import { defineScheme, once } from '../define';
import { FORM_BODY, JSON_BODY } from '../description';

export const twilioOptionsSchema = once(() =>
  z.strictObject({
    /** The webhook URL exactly as configured in Twilio; defaults to the request URL. */
    url: z.optional(z.url({ protocol: /^https?$/ })),
  }),
);
export type TwilioOptions = z.output<ReturnType<typeof twilioOptionsSchema>>;

function withStandardPort(u: URL): string {
  const port = u.protocol === 'https:' ? ':443' : ':80';
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return `${u.protocol}//${auth}${u.host}${port}${u.pathname}${u.search}${u.hash}`;
}

/** The URL spellings Twilio's libraries accept, the given one first, without duplicates. */
export function twilioUrlVariants(raw: string): string[] {
  const parsed = new URL(raw);
  const noPort = new URL(raw);
  noPort.port = '';
  const withPort = parsed.port ? parsed.href : withStandardPort(parsed);
  const legacy = (url: string) => {
    const q = url.indexOf('?');
    return q < 0 ? url : url.slice(0, q) + url.slice(q).replaceAll('%27', "'");
  };
  return [...new Set([raw, noPort.href, withPort, legacy(noPort.href), legacy(withPort)])];
}

export const twilio = defineScheme({
  name: 'twilio',
  docs: 'https://www.twilio.com/docs/usage/security#validating-requests',
  optionsSchema: twilioOptionsSchema,
  layout: {
    signature: { format: 'list', headers: ['x-twilio-signature'], prefix: '' },
    algorithm: 'sha1',
    encoding: 'base64',
    key: 'utf8',
    signedContent: '{url}{params}',
    url: { option: 'url', variants: twilioUrlVariants, bodyHashParam: 'bodySHA256' },
  },
  eventId: { header: 'i-twilio-idempotency-token' },
  contentTypes: [FORM_BODY, JSON_BODY],
  checkSecret: (secret) =>
    /^[0-9a-f]{32}$/.test(secret)
      ? undefined
      : 'Twilio auth tokens are 32 lower-case hex characters (is this an API key secret or the account SID?)',
});
