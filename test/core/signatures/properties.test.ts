/**
 * Properties every scheme must have, checked with fast-check over arbitrary input:
 * sign→verify round-trips, and any single-character change to what is signed makes verify fail.
 * What each scheme signs (its headers, timestamp, body coverage) is in its fixture's `properties`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SchemeName, schemes, type VerifyRequest } from '../../../lambdas/core/signatures/index';
import { fixtureEntries, type PropertyCase } from '../../helpers/scheme-fixtures';
import { flipByte, NOW, signedRequest, withBody, withHeader } from '../../helpers/signed-request';

const RUNS = { numRuns: 60 };

/** One configuration of a scheme, as its fixture describes it (test/helpers/scheme-fixtures.ts). */
interface Case extends PropertyCase {
  readonly title: string;
  readonly scheme: SchemeName;
}

/** Moves the signed timestamp by `delta` seconds: the whole header, or its `key=` entry. */
const shiftIn =
  ({ header, key }: NonNullable<PropertyCase['timestamp']>) =>
  (request: VerifyRequest<unknown>, delta: number) => {
    const value = request.headers[header] as string;
    const shifted =
      key === undefined
        ? String(Number(value) + delta)
        : value.replace(new RegExp(`${key}=(\\d+)`), (_, t: string) => `${key}=${Number(t) + delta}`);
    return withHeader(request, header, shifted);
  };

const CASES: readonly Case[] = fixtureEntries().flatMap(([scheme, fixture]) =>
  fixture.properties.map((c) => ({ ...c, scheme, title: c.variant ? `${scheme} (${c.variant})` : scheme })),
);

/** Bodies: raw bytes, unicode text (including astral and combining characters), and empty. */
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
  fc.constant(new Uint8Array(0)),
);

function build(c: Case, raw: Uint8Array, secrets?: readonly string[], secret?: string): VerifyRequest<unknown> {
  const body = c.bodyFor ? c.bodyFor(raw, NOW) : raw;
  return signedRequest(c.scheme, {
    body,
    ...(c.options && { options: c.options }),
    ...(c.url && { url: c.url(body) }),
    ...(secret !== undefined && { secret }),
    ...(secrets && { secrets }),
  });
}

describe.each(CASES)('$title', (c) => {
  const scheme = schemes[c.scheme];

  it('sign() then verify() succeeds for any body, including unicode and empty', () => {
    fc.assert(
      fc.property(bodies, (raw) => {
        expect(scheme.verify(build(c, raw))).toMatchObject({ valid: true, secretIndex: 0 });
      }),
      RUNS,
    );
  });

  it('verify() matches any of several secrets and reports its index', () => {
    fc.assert(
      fc.property(bodies, fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 3 }), (raw, others) => {
        const label = `rotated-secret-${others.length}-of-rotation`;
        const secret = c.scheme === 'standard-webhooks' ? `whsec_${Buffer.from(label).toString('base64')}` : label;
        const secrets = [...others.filter((s) => s !== secret), secret];
        expect(scheme.verify(build(c, raw, secrets, secret))).toMatchObject({
          valid: true,
          secretIndex: secrets.length - 1,
        });
      }),
      RUNS,
    );
  });

  if (c.rawBodySigned) {
    it('verify() fails when any single byte of the body changes', () => {
      fc.assert(
        fc.property(
          bodies.filter((b) => b.length > 0),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (raw, at, mask) => {
            const request = build(c, raw);
            const result = scheme.verify(withBody(request, flipByte(request.body, at % request.body.length, mask)));
            expect(result.valid).toBe(false);
          },
        ),
        RUNS,
      );
    });
  }

  it('verify() fails when any single character of a signed header changes', () => {
    fc.assert(
      fc.property(
        bodies,
        fc.constantFrom(...c.signedHeaders),
        fc.nat(),
        fc.integer({ min: 0x20, max: 0x7e }),
        (raw, name, at, code) => {
          const request = build(c, raw);
          const value = request.headers[name] as string;
          const i = at % value.length;
          const replacement = String.fromCharCode(code);
          // A case flip is not a change where case is documented not to matter (hex digits, the hmac prefix).
          fc.pre(replacement.toLowerCase() !== (value[i] as string).toLowerCase());
          const mutated = value.slice(0, i) + replacement + value.slice(i + 1);
          expect(scheme.verify(withHeader(request, name, mutated)).valid).toBe(false);
        },
      ),
      RUNS,
    );
  });

  if (c.timestamp) {
    const shift = shiftIn(c.timestamp);
    it('verify() fails when the signed timestamp moves, even within the tolerance', () => {
      fc.assert(
        fc.property(
          bodies,
          fc.integer({ min: -200, max: 200 }).filter((d) => d !== 0),
          (raw, delta) => {
            expect(scheme.verify(shift(build(c, raw), delta)).valid).toBe(false);
          },
        ),
        RUNS,
      );
    });
  }
});
