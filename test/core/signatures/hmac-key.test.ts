/**
 * The prepared-key HMAC every scheme uses gives exactly what `createHmac` gives, for keys shorter
 * than, as long as and longer than the hash's block, for every algorithm, and however often the
 * same prepared key is reused.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PreparedHmacKey, type HmacAlgorithm } from '../../../lambdas/core/signatures/hmac-key';
import { utf8HmacKey } from '../../../lambdas/core/signatures/shared';

const ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];

const reference = (algorithm: HmacAlgorithm, key: Uint8Array, ...parts: (string | Uint8Array)[]): Buffer => {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

describe('PreparedHmacKey', () => {
  it('matches createHmac for arbitrary keys (up to twice the largest block), prefixes, messages and suffixes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALGORITHMS),
        fc.uint8Array({ maxLength: 260 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.uint8Array({ maxLength: 600 }),
        fc.string({ maxLength: 20 }),
        (algorithm, key, prefix, message, suffix) => {
          const prepared = new PreparedHmacKey(algorithm, key);
          expect(prepared.digest(prefix, message, suffix)).toEqual(reference(algorithm, key, prefix, message, suffix));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each(ALGORITHMS)('handles keys at the %s block boundary (block-1, block, block+1 bytes)', (algorithm) => {
    const block = algorithm === 'sha512' ? 128 : 64;
    for (const length of [0, 1, block - 1, block, block + 1, 3 * block]) {
      const key = Buffer.alloc(length, 0xa7);
      expect(new PreparedHmacKey(algorithm, key).digest('', 'message'), `${length} bytes`).toEqual(reference(algorithm, key, 'message'));
    }
  });

  it('gives the same bytes on both sides of the one-shot size limit (4 KiB), for byte and text messages and long prefixes', () => {
    const key = Buffer.from('whsec_sizes');
    const prepared = new PreparedHmacKey('sha256', key);
    for (const size of [0, 4095, 4096, 4097, 70_000]) {
      const bytes = Buffer.alloc(size, 0x61);
      expect(prepared.digest('1.', bytes), `${size} bytes`).toEqual(reference('sha256', key, '1.', bytes));
      // Text of 3-byte characters: its UTF-8 size is three times its length.
      const text = '€'.repeat(Math.ceil(size / 3));
      expect(prepared.digest('1.', text, 'end'), `${size} bytes of text`).toEqual(reference('sha256', key, '1.', text, 'end'));
    }
    // A lone surrogate is encoded as U+FFFD by both paths, as Hash.update encodes it.
    expect(prepared.digest('\ud800.', 'x\udfff', '\ud83d')).toEqual(reference('sha256', key, '\ud800.', 'x\udfff', '\ud83d'));
    const longPrefix = 'https://example.com/webhooks/twilio?x=' + 'é'.repeat(1500);
    expect(prepared.digest(longPrefix, 'Body=1', '€'.repeat(1100))).toEqual(reference('sha256', key, longPrefix, 'Body=1', '€'.repeat(1100)));
  });

  it('gives the same digest on every reuse: a digest never disturbs the prepared state', () => {
    const key = new PreparedHmacKey('sha256', Buffer.from('whsec_reuse'));
    const expected = reference('sha256', Buffer.from('whsec_reuse'), '1.', 'body');
    for (let i = 0; i < 5; i++) {
      expect(key.digest('other.', `noise ${i}`)).not.toEqual(expected);
      expect(key.digest('1.', 'body')).toEqual(expected);
    }
  });

  it('matches RFC 4231 test case 2 (key "Jefe")', () => {
    // https://www.rfc-editor.org/rfc/rfc4231#section-4.3
    const digest = new PreparedHmacKey('sha256', Buffer.from('Jefe')).digest('', 'what do ya want for nothing?');
    expect(digest.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('utf8HmacKey', () => {
  it('keys each algorithm by the secret text and returns the same prepared key for the same secret', () => {
    const a = utf8HmacKey('sha256', 'secret-a');
    expect(utf8HmacKey('sha256', 'secret-a')).toBe(a);
    expect(utf8HmacKey('sha512', 'secret-a')).not.toBe(a);
    expect(utf8HmacKey('sha512', 'secret-a').algorithm).toBe('sha512');
    expect(utf8HmacKey('sha256', 'secret-é').digest('', 'x')).toEqual(reference('sha256', Buffer.from('secret-é', 'utf8'), 'x'));
  });
});
