/**
 * twilioParamString() parses form bodies over bytes (for speed); it must sort and join exactly what
 * URLSearchParams over the TextDecoder text gives, for any bytes at all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { twilioParamString } from '../../../lambdas/core/signatures/twilio';

/** The previous implementation, kept as the reference. */
function reference(body: Uint8Array): string {
  if (body.byteLength === 0) return '';
  const grouped = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(new TextDecoder('utf-8').decode(body))) {
    const values = grouped.get(name);
    if (values) values.add(value);
    else grouped.set(name, new Set([value]));
  }
  let out = '';
  for (const name of [...grouped.keys()].sort()) for (const value of [...(grouped.get(name) as Set<string>)].sort()) out += name + value;
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('twilioParamString', () => {
  it('matches URLSearchParams for form-like text: &, =, +, %XX (valid, partial, invalid UTF-8), unicode', () => {
    const piece = fc.oneof(
      fc.constantFrom('&', '=', '+', '%', '%2', '%2B', '%2b', '%41', '%zz', '%C3%A9', '%C3', '%E2%82', '%FF', '%EF%BB%BF', '%00', 'é', '€', '😀', '\uFEFF', 'a', 'B', ' '),
      fc.string({ maxLength: 6 }),
      fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const body = bytes(pieces.join(''));
        expect(twilioParamString(body)).toBe(reference(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches URLSearchParams for arbitrary bytes (invalid UTF-8, a BOM)', () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ maxLength: 32 }).map((b) => Uint8Array.from([0xef, 0xbb, 0xbf, ...b])),
      fc.array(fc.constantFrom(0x26, 0x3d, 0x2b, 0x25, 0x41, 0x61, 0x32, 0xc3, 0xa9, 0xff, 0x80, 0xe2, 0x82, 0xac, 0xef, 0xbb, 0xbf), { maxLength: 40 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(body, (b) => {
        expect(twilioParamString(b)).toBe(reference(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on a body of many parameters without "=" before a late one (no rescans)', () => {
    const body = bytes(`${'a&'.repeat(100_000)}b=1`);
    const started = performance.now();
    expect(twilioParamString(body)).toBe('ab1');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('sorts names, then each name\'s distinct values, as Twilio\'s libraries do', () => {
    expect(twilioParamString(bytes('b=2&a=1&b=1&b=2&c'))).toBe('a1b1b2c');
  });
});
