import { describe, expect, it } from 'vitest';
import { endpointCreateSchema, endpointUpdateSchema } from '../../../lambdas/core/outbound/model';

const VALID = { url: 'https://receiver.example/hooks' };

function issues(input: unknown): string[] {
  const parsed = endpointCreateSchema.safeParse(input);
  return parsed.success
    ? []
    : parsed.error.issues.map(
        (i) => `${i.path.join('.')}: ${'keys' in i ? `unrecognized ${i.keys.join(', ')}` : i.message}`,
      );
}

describe('endpointCreateSchema', () => {
  it('fills the defaults: every type, Standard Webhooks signing, enabled, 15 s timeout', () => {
    expect(endpointCreateSchema.parse(VALID)).toEqual({
      url: VALID.url,
      description: '',
      filterTypes: ['*'],
      headers: {},
      signing: { scheme: 'standard-webhooks' },
      enabled: true,
      timeoutSeconds: 15,
    });
  });

  it('accepts every optional field and lower-cases header names', () => {
    const parsed = endpointCreateSchema.parse({
      ...VALID,
      description: 'billing',
      filterTypes: ['invoice.*', 'customer.created'],
      headers: { 'X-Receiver-Token': 'abc' },
      signing: { scheme: 'wss', timestampFormat: 'iso8601' },
      enabled: false,
      timeoutSeconds: 30,
      rateLimit: { perSecond: 10 },
      retryDelaysSeconds: [1, 60],
    });

    expect(parsed).toMatchObject({
      headers: { 'x-receiver-token': 'abc' },
      rateLimit: { perSecond: 10, burst: 1 },
      retryDelaysSeconds: [1, 60],
    });
  });

  it('accepts an inbound scheme with options its own schema accepts', () => {
    expect(issues({ ...VALID, signing: { scheme: 'hmac', options: { header: 'X-Signature', prefix: '' } } })).toEqual(
      [],
    );
  });

  it.each([
    ['an ftp URL', { url: 'ftp://receiver.example/' }, 'url'],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'url'],
    ['credentials in the URL', { url: 'https://u:p@receiver.example/' }, 'url'],
    ['a relative URL', { url: '/hooks' }, 'url'],
    ['a wildcard in the middle of a pattern', { ...VALID, filterTypes: ['invoice.*.paid'] }, 'filterTypes.0'],
    ['an empty filter list', { ...VALID, filterTypes: [] }, 'filterTypes'],
    ['a Host header', { ...VALID, headers: { Host: 'evil.example' } }, 'headers.Host'],
    ['a Content-Length header', { ...VALID, headers: { 'content-length': '1' } }, 'headers.content-length'],
    ['a webhook-* header', { ...VALID, headers: { 'Webhook-Signature': 'v1,forged' } }, 'headers.Webhook-Signature'],
    ['an X-WSS-* header', { ...VALID, headers: { 'X-WSS-Timestamp': '1' } }, 'headers.X-WSS-Timestamp'],
    ['a User-Agent header', { ...VALID, headers: { 'user-agent': 'me' } }, 'headers.user-agent'],
    ['a header name with a space', { ...VALID, headers: { 'X Bad': 'v' } }, 'headers.X Bad'],
    ['a header value with CR LF', { ...VALID, headers: { 'X-Ok': 'a\r\nHost: evil' } }, 'headers.X-Ok'],
    ['a timeout above 30 s', { ...VALID, timeoutSeconds: 31 }, 'timeoutSeconds'],
    ['a timeout of 0', { ...VALID, timeoutSeconds: 0 }, 'timeoutSeconds'],
    ['an unknown signing scheme', { ...VALID, signing: { scheme: 'md5' } }, 'signing'],
    [
      'inbound scheme options its schema refuses',
      { ...VALID, signing: { scheme: 'hmac', options: { signedContent: 'no body' } } },
      'signing',
    ],
    ['a rate limit of 0', { ...VALID, rateLimit: { perSecond: 0 } }, 'rateLimit.perSecond'],
    ['a negative retry delay', { ...VALID, retryDelaysSeconds: [-1] }, 'retryDelaysSeconds.0'],
    ['a secret as input (the stack generates secrets)', { ...VALID, secret: 'whsec_x' }, ': unrecognized secret'],
  ])('refuses %s', (_what, input, where) => {
    const found = issues(input);

    expect(found.some((i) => i.startsWith(where))).toBe(true);
  });
});

describe('endpointUpdateSchema', () => {
  it('accepts a subset without filling defaults', () => {
    expect(endpointUpdateSchema.parse({ enabled: false })).toEqual({ enabled: false });
  });

  it('applies the same rules to the fields it is given', () => {
    expect(endpointUpdateSchema.safeParse({ headers: { host: 'x' } }).success).toBe(false);
  });
});
