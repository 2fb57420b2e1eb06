/** The digest decoding every scheme relies on: exact length, every character checked, one spelling per digest. */
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, decodeDigest } from '../../../lambdas/core/signatures/crypto';

const HEX = 'a1'.repeat(32);

describe('decodeDigest()', () => {
  it('decodes a full-length hex digest in either case', () => {
    expect(decodeDigest(HEX, 'hex', 32)?.toString('hex')).toBe(HEX);
    expect(decodeDigest(HEX.toUpperCase(), 'hex', 32)?.toString('hex')).toBe(HEX);
  });

  it('refuses a non-hex character at any position, and a wrong length', () => {
    for (let i = 0; i < HEX.length; i++) {
      expect(decodeDigest(`${HEX.slice(0, i)}g${HEX.slice(i + 1)}`, 'hex', 32)).toBeUndefined();
    }
    expect(decodeDigest(HEX.slice(2), 'hex', 32)).toBeUndefined();
    expect(decodeDigest(`${HEX}a1`, 'hex', 32)).toBeUndefined();
  });

  it('accepts only canonical padded base64 of the right size', () => {
    const digest = Buffer.alloc(32, 7).toString('base64');
    expect(decodeDigest(digest, 'base64', 32)?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(decodeDigest(digest.replace('=', ''), 'base64', 32)).toBeUndefined();
    // The last character's unused bits set: decodes to the same bytes, but is a second spelling.
    expect(decodeDigest(`${digest.slice(0, -2)}d=`, 'base64', 32)).toBeUndefined();
    expect(decodeDigest(Buffer.alloc(20).toString('base64'), 'base64', 32)).toBeUndefined();
  });

  it('decodeBase64Strict() refuses url-safe characters and missing padding', () => {
    expect(decodeBase64Strict('ab-_')).toBeUndefined();
    expect(decodeBase64Strict('YQ')).toBeUndefined();
    expect(decodeBase64Strict('YQ==')?.toString()).toBe('a');
  });
});
