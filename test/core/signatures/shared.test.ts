/**
 * The hot-path helpers that replaced library calls for speed (table-driven digest decoding, the
 * exact-header shortcut, reused candidate buffers, the last-secret key cache) behave exactly like
 * the straightforward versions they replaced.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cachedKey,
  decodeDigest,
  decodeSignatureHeader,
  decodeSignatureList,
  exactSignedPair,
  scanSignedPairs,
  splitList,
  type DigestEncoding,
  type SignatureListOptions,
} from '../../../lambdas/core/signatures/shared';

const RUNS = { numRuns: 400 };

/** The previous implementation: a regular expression, then Buffer.from, then the padding-bits check. */
function referenceDecode(text: string, encoding: DigestEncoding, bytes: number): Buffer | undefined {
  if (encoding === 'hex') {
    if (text.length !== bytes * 2 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
    return Buffer.from(text, 'hex');
  }
  if (text.length !== 4 * Math.ceil(bytes / 3) || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length !== bytes) return undefined;
  const dataChars = Math.ceil((bytes * 8) / 6);
  const unusedBits = dataChars * 6 - bytes * 8;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  return (alphabet.indexOf(text.charAt(dataChars - 1)) & ((1 << unusedBits) - 1)) === 0 ? decoded : undefined;
}

// Characters whose code & 0x7f is a hex digit or base64 letter, to catch a table indexed without a range check.
const LOOKALIKES = ['\u00b0', '\u0130', '\u00e1', '\u0661', '\uff10', '\u00c1', '\u00ab', '\u00bd', '\u00af'];

/** A valid encoding of random bytes with up to two characters replaced, or an arbitrary string of the right length. */
function digestText(encoding: DigestEncoding, bytes: number): fc.Arbitrary<string> {
  const valid = fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString(encoding));
  const alphabet = encoding === 'hex' ? '0123456789abcdefABCDEFgxz=+/- ' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ';
  const char = fc.oneof(fc.constantFrom(...alphabet.split('')), fc.constantFrom(...LOOKALIKES));
  const mutated = fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), char), { maxLength: 2 }))
    .map(([text, edits]) => edits.reduce((t, [at, c]) => t.slice(0, at % t.length) + c + t.slice((at % t.length) + 1), text));
  const length = encoding === 'hex' ? bytes * 2 : 4 * Math.ceil(bytes / 3);
  const arbitrary = fc.array(char, { minLength: length - 1, maxLength: length + 1 }).map((cs) => cs.join(''));
  return fc.oneof(valid, mutated, arbitrary);
}

describe('decodeDigest', () => {
  for (const encoding of ['hex', 'base64'] as const) {
    for (const bytes of [20, 32, 64]) {
      it(`decodes ${encoding} ${bytes}-byte digests exactly as Buffer.from with strict checks does`, () => {
        fc.assert(
          fc.property(digestText(encoding, bytes), fc.string({ maxLength: 4 }), (text, prefix) => {
            const expected = referenceDecode(text, encoding, bytes);
            expect(decodeDigest(text, encoding, bytes)).toEqual(expected);
            expect(decodeDigest(prefix + text, encoding, bytes, prefix.length)).toEqual(expected);
          }),
          RUNS,
        );
      });
    }
  }

  it('rejects characters that alias a digit or letter when their code is masked to 7 bits', () => {
    const hex = randomBytes(32).toString('hex');
    const b64 = randomBytes(32).toString('base64');
    for (const c of LOOKALIKES) {
      expect(decodeDigest(c + hex.slice(1), 'hex', 32)).toBeUndefined();
      expect(decodeDigest(c + b64.slice(1), 'base64', 32)).toBeUndefined();
    }
  });

  it('writes into the given buffer instead of allocating', () => {
    const into = Buffer.alloc(32);
    const digest = randomBytes(32);
    expect(decodeDigest(digest.toString('hex'), 'hex', 32, 0, into)).toBe(into);
    expect(into).toEqual(digest);
  });
});

describe('decodeSignatureList', () => {
  it('returns distinct buffers for several candidates decoded in one call', () => {
    const digests = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const candidates = decodeSignatureList(digests.map((d) => `sha256=${d.toString('hex')}`), { prefix: 'sha256=', encoding: 'hex', bytes: 32 });
    expect(candidates).toEqual(digests);
  });

  it('keeps valid candidates apart from an invalid entry between them', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const candidates = decodeSignatureList([a.toString('hex'), 'zz'.repeat(32), b.toString('hex')], { prefix: '', encoding: 'hex', bytes: 32 });
    expect(candidates).toEqual([a, b]);
  });
});

describe('decodeSignatureHeader', () => {
  const OPTIONS: readonly SignatureListOptions[] = [
    { prefix: 'sha256=', encoding: 'hex', bytes: 32, versionPattern: /^[a-z0-9]+=/i },
    { prefix: 'v0=', encoding: 'hex', bytes: 32 },
    { prefix: '', encoding: 'base64', bytes: 32 },
    { prefix: 'SHA256:', prefixCaseInsensitive: true, encoding: 'base64', bytes: 32 },
    { prefix: 'Bearer ', prefixCaseInsensitive: true, encoding: 'hex', bytes: 64 },
    { prefix: 'v1,', prefixCaseInsensitive: true, encoding: 'hex', bytes: 20 },
  ];

  it('gives what splitList + decodeSignatureList give, for single entries, repeats and junk', () => {
    const header = (o: SignatureListOptions) => {
      const entry = fc.oneof(
        fc.uint8Array({ minLength: o.bytes, maxLength: o.bytes }).map((b) => o.prefix + Buffer.from(b).toString(o.encoding)),
        fc.uint8Array({ minLength: o.bytes, maxLength: o.bytes }).map((b) => o.prefix.toUpperCase() + Buffer.from(b).toString(o.encoding)),
        digestText(o.encoding, o.bytes).map((d) => o.prefix + d),
        fc.string({ maxLength: 8 }),
      );
      return fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => entries.join(','));
    };
    for (const o of OPTIONS) {
      fc.assert(
        fc.property(header(o), (h) => {
          // Copies: both paths decode into the same reused slots.
          const copy = (r: Buffer[] | string) => (typeof r === 'string' ? r : r.map((b) => Buffer.from(b)));
          const expected = copy(decodeSignatureList(splitList(h, ','), o));
          expect(copy(decodeSignatureHeader(h, o))).toEqual(expected);
        }),
        { numRuns: 150 },
      );
    }
  });
});

describe('exactSignedPair', () => {
  const piece = fc.oneof(
    fc.constantFrom('t=', 'ts=', ',', ';', 'v1=', 'h1=', 'v0=', ' ', '=', 'x'),
    fc.integer({ min: 0, max: 2_000_000_000 }).map(String),
    fc.constant(randomBytes(32).toString('hex')),
    fc.constant('Z'.repeat(64)),
  );

  it('agrees with the full scan whenever it takes the shortcut (Stripe and Paddle shapes)', () => {
    const digest = randomBytes(32).toString('hex');
    const headers = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((p) => p.join('')),
      fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[0-9]{0,13}$/), fc.stringMatching(/^[0-9 ,;=]{1,8}$/)), fc.constantFrom(',v1=', ';h1=')).map(([t, sep]) => `${sep === ',v1=' ? 't=' : 'ts='}${t}${sep}${digest}`),
    );
    let shortcuts = 0;
    fc.assert(
      fc.property(headers, (header) => {
        for (const [ts, sep, sig] of [['t', ',', 'v1'], ['ts', ';', 'h1']] as const) {
          const exact = exactSignedPair(header, `${ts}=`, `${sep}${sig}=`, 'hex', 32);
          if (!exact) continue;
          const full = scanSignedPairs(header, sep, ts, sig);
          expect(full?.timestamp).toBe(exact.timestampText);
          expect(full?.signatures).toHaveLength(1);
          expect(decodeDigest(full!.signatures[0]!, 'hex', 32)).toEqual(exact.candidates[0]);
          expect(exact.timestamp).toBe(Number(exact.timestampText));
          shortcuts++;
        }
      }),
      RUNS,
    );
    expect(shortcuts).toBeGreaterThan(20);
  });

  it('declines a header with whitespace, another entry or a bad digest, leaving it to the full scan', () => {
    const hex = randomBytes(32).toString('hex');
    expect(exactSignedPair(`t=1,v1=${hex}`, 't=', ',v1=', 'hex', 32)).toMatchObject({ timestampText: '1', timestamp: 1 });
    for (const header of [`t= 1,v1=${hex}`, `t=1,v0=x,v1=${hex}`, `t=1,v1=${hex.slice(1)}g`, `v1=${hex},t=1`, `t=,v1=${hex}`]) {
      expect(exactSignedPair(header, 't=', ',v1=', 'hex', 32)).toBeUndefined();
    }
  });
});

describe('cachedKey', () => {
  it('decodes each secret once and answers repeated and alternating secrets correctly', () => {
    let decodes = 0;
    const key = cachedKey((s: string) => {
      decodes++;
      return `key:${s}`;
    });
    expect([key('a'), key('a'), key('b'), key('a'), key('b')]).toEqual(['key:a', 'key:a', 'key:b', 'key:a', 'key:b']);
    expect(decodes).toBe(2);
  });

  it('caches an undefined or null decoding too', () => {
    let decodes = 0;
    const key = cachedKey((s: string) => {
      decodes++;
      return s === 'bad' ? null : s;
    });
    expect([key('bad'), key('ok'), key('bad')]).toEqual([null, 'ok', null]);
    expect(decodes).toBe(2);
  });
});
