/**
 * Fuzz: verify() never throws, whatever arrives. Header values mix realistic fragments (prefixes,
 * separators, digits, base64) with arbitrary unicode, so parsing is exercised past the first check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SchemeName, schemes } from '../../../lambdas/core/signatures/index';
import { signedRequest } from '../../helpers/signed-request';

const NAMES = Object.keys(schemes) as SchemeName[];

const fragment = fc.oneof(
  fc.constantFrom(
    't=',
    'v1=',
    'v0=',
    'v1,',
    'v1a,',
    'ts=',
    'h1=',
    'sha256=',
    'SHA256:',
    'Bearer ',
    ',',
    ';',
    ' ',
    '=',
    '==',
    '%27',
    "'",
    '\u0000',
    '\uffff',
    '\ud800',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.stringMatching(/^[0-9a-f]{1,70}$/),
  fc.stringMatching(/^[A-Za-z0-9+/]{1,90}={0,2}$/),
  fc.integer({ min: -1e12, max: 1e13 }).map(String),
);
const headerValue = fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(''));

describe('verify() never throws', () => {
  it.each(NAMES)('%s: on arbitrary headers, bodies, URLs, secrets and clocks', (name) => {
    const scheme = schemes[name];
    const valid = signedRequest(name);
    const headerNames = [...Object.keys(valid.headers), 'x-other'];
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...headerNames), fc.option(headerValue, { nil: undefined })),
        fc.oneof(fc.uint8Array({ maxLength: 256 }), fc.constant(valid.body)),
        fc.option(fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string({ maxLength: 40 })), { nil: undefined }),
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constant(valid.secrets[0] as string)), { maxLength: 3 }),
        fc.oneof(fc.integer({ min: 0, max: 4e9 }), fc.constant(Number.NaN), fc.double()),
        fc.option(fc.oneof(fc.integer({ min: -10, max: 1e6 }), fc.double()), { nil: undefined }),
        (headers, body, url, secrets, nowSeconds, toleranceSeconds) => {
          const result = scheme.verify({
            ...valid,
            headers: { ...valid.headers, ...headers },
            body,
            url,
            secrets,
            nowSeconds,
            toleranceSeconds,
          });
          expect(typeof result.valid).toBe('boolean');
          if (!result.valid) expect(typeof result.reason).toBe('string');
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each(NAMES)('%s: on a signed request with one header replaced by arbitrary unicode', (name) => {
    const scheme = schemes[name];
    const valid = signedRequest(name);
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(valid.headers)),
        fc.string({ unit: 'binary', maxLength: 200 }),
        (header, value) => {
          expect(() => scheme.verify({ ...valid, headers: { ...valid.headers, [header]: value } })).not.toThrow();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('checkSecret()', () => {
  it.each(NAMES)('%s: flags surrounding whitespace and never throws', (name) => {
    const scheme = schemes[name];
    expect(scheme.checkSecret(' secret ')).toMatch(/whitespace/);
    expect(scheme.checkSecret('')).toMatch(/empty/);
    fc.assert(
      fc.property(fc.string(), (s) => void scheme.checkSecret(s)),
      { numRuns: 50 },
    );
  });
});
