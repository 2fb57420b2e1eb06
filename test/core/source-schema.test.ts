/**
 * The one check of runtime sources (`parseRuntimeSources`, with the source schema and each scheme's options schema),
 * made at synth before the verifier's file is written: everything the synth derives passes, and each kind of mistake
 * fails naming its field.
 */
import { describe, expect, it } from 'vitest';
import config from '../../config/sources';
import { localSources } from '../../config/local';
import { parseRuntimeSources } from '../../lambdas/core/inbound/source-schema';
import { stackConfigSchema } from '../../lib/config';
import { toRuntimeSource } from '../../lib/config-schema';
import { ConfigError } from '../../lambdas/core/kernel/errors';
import { schemes } from '../../lambdas/core/signatures/index';
import { runtimeSource } from '../helpers/webhook';

const deploy = { queueName: 'WebhookIngestion-stripe-ingest', secretId: 'WebhookIngestion/webhooks/stripe' };

/** The message parseRuntimeSources throws for `input`, or '' when it accepts it. */
function problem(input: unknown): string {
  try {
    parseRuntimeSources(input);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('parseRuntimeSources', () => {
  it('accepts what the synth writes for the shipped config, unchanged', () => {
    const sources = stackConfigSchema.parse(config).sources.map((s) => toRuntimeSource(s, deploy));
    const roundTripped: unknown = JSON.parse(JSON.stringify(sources));
    expect(parseRuntimeSources(roundTripped)).toEqual(sources);
  });

  it('accepts what the synth writes for every local sample source (every scheme, with options and locators)', () => {
    const input = { sources: localSources.map((s) => s.source) };
    const sources = stackConfigSchema.parse(input).sources.map((s) => toRuntimeSource(s, deploy));
    const withDefaults = sources.map((s) => ({ ...s, options: schemes[s.scheme].optionsSchema.parse(s.options) }));
    expect(parseRuntimeSources(JSON.parse(JSON.stringify(sources)))).toEqual(withDefaults);
  });

  it('fills the defaults the synth may leave out (options, allowedCidrs) and lower-cases locator headers', () => {
    const { options: _o, allowedCidrs: _a, ...bare } = runtimeSource();
    const [source] = parseRuntimeSources([
      { ...bare, eventId: { header: 'X-Delivery-ID' }, eventType: { bodyPath: 'type' } },
    ]);
    expect(source).toMatchObject({
      options: {},
      allowedCidrs: [],
      eventId: { header: 'x-delivery-id' },
      eventType: { bodyPath: 'type' },
    });
  });

  it("checks each source's scheme options with its scheme, and returns them with the scheme's defaults", () => {
    const [source] = parseRuntimeSources([runtimeSource({ id: 'h', scheme: 'hmac', options: { header: 'X-Sig' } })]);
    expect(source!.options).toMatchObject({ header: 'x-sig', prefix: 'sha256=', algorithm: 'sha256', encoding: 'hex' });
    expect(problem([runtimeSource({ id: 'h', scheme: 'hmac', options: { algorithm: 'md5' } })])).toMatch(
      /invalid schemeOptions for source h:\nalgorithm: /,
    );
    expect(problem([runtimeSource({ scheme: 'stripe', options: { extra: 1 } })])).toMatch(
      /invalid schemeOptions for source stripe:\nextra: unknown key/,
    );
  });

  it('refuses a non-array list, and accepts an empty one (a stack may serve tenant sources only)', () => {
    expect(problem({})).toMatch(/expected an array of sources/);
    expect(problem(null)).toMatch(/expected an array of sources/);
    expect(problem([])).toBe('');
  });

  it.each([
    ['an unknown scheme', { scheme: 'nope' }, /0\.scheme: expected one of stripe/],
    ['an unknown key', { extra: 1 }, /0\.extra: unknown key/],
    ['options that are not an object', { options: [] }, /0\.options: expected an object/],
    ['a non-integer tolerance', { toleranceSeconds: 1.5 }, /0\.toleranceSeconds: expected an integer/],
    ['a zero body limit', { maxBodyBytes: 0 }, /0\.maxBodyBytes: expected a positive integer/],
    ['a string dedupe window', { dedupeSeconds: '60' }, /0\.dedupeSeconds: expected a positive integer/],
    ['CIDRs that are not a list', { allowedCidrs: '10.0.0.0/8' }, /0\.allowedCidrs: expected an array of strings/],
    ['a CIDR that is not a string', { allowedCidrs: [1] }, /0\.allowedCidrs\.0: expected a string/],
    [
      'a CIDR the allowlist cannot compile',
      { allowedCidrs: ['1::2::3/64'] },
      /0\.allowedCidrs\.0: must be an IPv4 or IPv6 CIDR/,
    ],
    ['an id that is not a URL segment', { id: 'Stripe Live' }, /0\.id: must be 1-40 lower-case/],
    [
      "a body limit over Lambda's request",
      { maxBodyBytes: 7 * 1024 * 1024 },
      /0\.maxBodyBytes: must be at most 6225920/,
    ],
    ['a zero tolerance', { toleranceSeconds: 0 }, /0\.toleranceSeconds: must be from 1 to 604800 seconds/],
    ['an empty queue name', { queueName: '' }, /0\.queueName: expected a non-empty string/],
    ['a queue URL (the bundled file names queues)', { queueUrl: 'https://sqs' }, /0\.queueUrl: unknown key/],
    [
      'a rate limit of zero',
      { rateLimit: { perSecond: 0, burst: 1 } },
      /0\.rateLimit\.perSecond: must be an integer from 1/,
    ],
    ['a missing secret id', { secretId: undefined }, /0\.secretId: expected a non-empty string/],
    ['a non-string id', { id: 7 }, /0\.id: expected a string/],
    [
      'a locator with both keys',
      { eventId: { header: 'a', bodyPath: 'b' } },
      /0\.eventId: expected \{ header \} or \{ bodyPath \}/,
    ],
    ['a locator with an empty header', { eventType: { header: '' } }, /0\.eventType\.header: expected \{ header \}/],
  ])('names the field for %s', (_title, change, message) => {
    expect(problem([{ ...runtimeSource(), ...change }])).toMatch(message);
  });

  it('reports every problem of every source at once, with its index', () => {
    const message = problem([
      runtimeSource(),
      { ...runtimeSource({ id: 'b' }), scheme: 'nope', maxBodyBytes: -1 },
      'not a source',
    ]);
    expect(message).toContain('1.scheme');
    expect(message).toContain('1.maxBodyBytes');
    expect(message).toContain('2: expected an object');
    expect(message).not.toContain('0.');
  });
});
