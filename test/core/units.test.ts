import { describe, expect, it } from 'vitest';
import { compileAllowlist } from '../../lambdas/core/kernel/cidr';
import {
  eventIdFor,
  eventTypeFor,
  locate,
  parseEnvelope,
  serializeEnvelope,
} from '../../lambdas/core/inbound/envelope';
import { parseSecretValue } from '../../lambdas/core/inbound/secret-value';
import { type CheckedSources, parseRuntimeSources } from '../../lambdas/core/inbound/source-schema';
import { prepareSources } from '../../lambdas/core/inbound/sources';
import { ConfigError, InvalidSignatureError } from '../../lambdas/core/kernel/errors';
import { toHttpResponse } from '../../lambdas/core/kernel/http';
import { silentLog } from '../../lambdas/core/kernel/log';
import { runtimeSource, TEST_QUEUES } from '../helpers/webhook';

describe('compileAllowlist()', () => {
  it('matches IPv4 addresses inside a CIDR and rejects those outside', () => {
    const allows = compileAllowlist(['192.0.2.0/24', '198.51.100.7/32'])!;
    expect(allows('192.0.2.200')).toBe(true);
    expect(allows('198.51.100.7')).toBe(true);
    expect(allows('198.51.100.8')).toBe(false);
    expect(allows('192.0.3.1')).toBe(false);
  });

  it('matches IPv6 and IPv4-mapped IPv6 addresses', () => {
    const allows = compileAllowlist(['2001:db8::/32', '203.0.113.0/24'])!;
    expect(allows('2001:db8:1::5')).toBe(true);
    expect(allows('2001:db9::1')).toBe(false);
    expect(allows('::ffff:203.0.113.9')).toBe(true);
  });

  it('matches an IPv4-mapped address in its hex and uncompressed spellings as the IPv4 address', () => {
    const allows = compileAllowlist(['203.0.113.0/24'])!;
    expect(allows('::ffff:cb00:7109')).toBe(true);
    expect(allows('0:0:0:0:0:ffff:203.0.113.9')).toBe(true);
    expect(allows('::ffff:cb00:7209')).toBe(false);
  });

  it('reads an IPv6 address with a dotted IPv4 tail by its value (NAT64, IPv4-compatible)', () => {
    const allows = compileAllowlist(['64:ff9b::/96'])!;
    expect(allows('64:ff9b::10.0.0.1')).toBe(true);
    expect(allows('64:ff9c::10.0.0.1')).toBe(false);
    const single = compileAllowlist(['64:ff9b::a00:1/128'])!;
    expect(single('64:ff9b::10.0.0.1')).toBe(true);
    expect(single('64:ff9b::10.0.0.2')).toBe(false);
    // Not silently an IPv4 range: a non-mapped dotted tail is not the IPv4 address.
    expect(compileAllowlist(['10.0.0.0/8'])!('64:ff9b::10.0.0.1')).toBe(false);
  });

  it('refuses a CIDR without a prefix length', () => {
    expect(() => compileAllowlist(['10.0.0.1'])).toThrow(/invalid CIDR/);
  });

  it('rejects garbage addresses rather than throwing', () => {
    const allows = compileAllowlist(['0.0.0.0/0'])!;
    expect(allows('not-an-ip')).toBe(false);
    expect(allows('')).toBe(false);
  });

  it('returns undefined for an empty list (everyone allowed)', () => {
    expect(compileAllowlist([])).toBeUndefined();
  });
});

describe('envelope', () => {
  it('serializeEnvelope() output parses back to the same fields and payload', () => {
    const text = serializeEnvelope(
      { id: 'a"b', source: 's', type: 't', receivedAt: '2026-11-23T12:00:00.000Z', headers: { h: 'v' } },
      '[1,2]',
    );
    expect(parseEnvelope(text)).toEqual({
      id: 'a"b',
      source: 's',
      type: 't',
      receivedAt: '2026-11-23T12:00:00.000Z',
      headers: { h: 'v' },
      payload: [1, 2],
    });
  });

  it('parseEnvelope() returns undefined for JSON that is not an envelope', () => {
    expect(parseEnvelope('{"id":"x"}')).toBeUndefined();
    expect(parseEnvelope('null')).toBeUndefined();
    expect(
      parseEnvelope('{"id":"","source":"s","type":"t","receivedAt":"2026-01-01T00:00:00Z","payload":1}'),
    ).toBeUndefined();
  });

  it('locate() reads headers and dotted body paths, ignoring inherited and non-scalar values', () => {
    const body = { event: { type: 'app_mention', n: 5 }, list: [1] };
    expect(locate({ header: 'x-id' }, { 'x-id': ' abc ' }, body)).toBe('abc');
    expect(locate({ bodyPath: 'event.type' }, {}, body)).toBe('app_mention');
    expect(locate({ bodyPath: 'event.n' }, {}, body)).toBe('5');
    expect(locate({ bodyPath: 'event' }, {}, body)).toBeUndefined();
    expect(locate({ bodyPath: 'constructor' }, {}, body)).toBeUndefined();
    expect(locate({ bodyPath: 'list.0' }, {}, body)).toBeUndefined();
  });

  it('locate() tries the fallback location when the first is empty', () => {
    const locator = { header: 'webhook-id', fallback: { header: 'svix-id', fallback: { bodyPath: 'id' } } };
    expect(locate(locator, { 'webhook-id': 'w', 'svix-id': 's' }, {})).toBe('w');
    expect(locate(locator, { 'svix-id': 's' }, {})).toBe('s');
    expect(locate(locator, {}, { id: 'b' })).toBe('b');
  });

  it('eventIdFor() hashes instead of trusting an id that is too long or has control characters', () => {
    const body = Buffer.from('{}');
    expect(eventIdFor('s', 'evt_1', body)).toBe('evt_1');
    expect(eventIdFor('s', 'x'.repeat(201), body)).toMatch(/^sha256:/);
    expect(eventIdFor('s', 'a\nb', body)).toMatch(/^sha256:/);
    expect(eventIdFor('s', undefined, body)).not.toBe(eventIdFor('t', undefined, body));
  });

  it('eventTypeFor() defaults to `unknown` and truncates long types', () => {
    expect(eventTypeFor(undefined)).toBe('unknown');
    expect(eventTypeFor('a'.repeat(300))).toHaveLength(200);
  });
});

describe('parseSecretValue()', () => {
  it('reads current then previous from JSON, and a plain string as the only secret', () => {
    expect(parseSecretValue('{"current":"a","previous":"b"}')).toEqual(['a', 'b']);
    expect(parseSecretValue('{"current":"a"}')).toEqual(['a']);
    expect(parseSecretValue('whsec_plain')).toEqual(['whsec_plain']);
    expect(parseSecretValue('')).toEqual([]);
  });

  it('throws on a JSON-looking value that is not JSON, without echoing it', () => {
    expect(() => parseSecretValue('{"current":')).toThrow('secret value is not valid JSON');
  });
});

describe('prepareSources()', () => {
  it('fails loudly, naming the source, on a scheme no one registered (a bundled file edited by hand)', () => {
    for (const scheme of ['nope', 'constructor']) {
      const sources = [{ ...runtimeSource(), scheme }] as unknown as CheckedSources;
      expect(() => prepareSources(sources, TEST_QUEUES)).toThrow(ConfigError);
      expect(() => prepareSources(sources, TEST_QUEUES)).toThrow(`source stripe: unknown scheme "${scheme}"`);
    }
  });

  it('reads the scheme options as the check returned them', () => {
    const [checked] = parseRuntimeSources([runtimeSource({ id: 'h', scheme: 'hmac', options: { header: 'X-Sig' } })]);
    const source = prepareSources([checked!] as unknown as CheckedSources, TEST_QUEUES).get('h')!;
    expect(source.options).toBe(checked!.options);
    expect(source.options).toMatchObject({ header: 'x-sig', algorithm: 'sha256' });
  });
});

describe('toHttpResponse()', () => {
  it('maps a typed 4xx to its status and code', () => {
    const response = toHttpResponse(new InvalidSignatureError('stale_timestamp'), silentLog);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toEqual({
      error: 'stale_timestamp',
      message: 'The webhook signature could not be verified.',
    });
  });

  it('hides the detail of anything unexpected behind a generic 500', () => {
    const response = toHttpResponse(new Error('password=hunter2'), silentLog);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
  });
});
