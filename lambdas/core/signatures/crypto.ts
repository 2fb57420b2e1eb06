/**
 * The cryptographic primitives every scheme uses, straight from node:crypto: `createHmac` keyed with a
 * cached `KeyObject`, `timingSafeEqual` after a length check, and strict digest decoding with
 * `Buffer.from` after the characters are validated.
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { DigestEncoding, HmacAlgorithm, Layout } from './description';

const SECRET_PREFIX = 'whsec_';
const KEY_CACHE_LIMIT = 256;
const keys: Readonly<Record<Layout['key'], Map<string, KeyObject | null>>> = {
  utf8: new Map(),
  'whsec-base64': new Map(),
};

/**
 * The HMAC key for a secret: its UTF-8 text (every provider but Standard Webhooks), or the bytes of
 * the base64 after `whsec_` (Standard Webhooks). Null when the secret cannot be such a key.
 * Cached per secret, so a request does not rebuild the key; bounded, as a verifier sees few secrets.
 */
export function hmacKey(kind: Layout['key'], secret: string): KeyObject | null {
  const cache = keys[kind];
  let key = cache.get(secret);
  if (key === undefined) {
    const bytes = kind === 'utf8' ? Buffer.from(secret, 'utf8') : standardWebhooksKeyBytes(secret);
    key = bytes && bytes.length > 0 ? createSecretKey(bytes) : null;
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(secret, key);
  }
  return key;
}

/** The key bytes of a `whsec_<base64>` (or bare base64) secret; undefined when it is not canonical base64. */
export function standardWebhooksKeyBytes(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return decodeBase64Strict(encoded);
}

/** HMAC over the parts in order (the template's text around the body, and the body itself). */
export function hmac(algorithm: HmacAlgorithm, key: KeyObject, parts: readonly (string | Uint8Array)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (let i = 0; i < parts.length; i++) mac.update(parts[i] as string | Uint8Array);
  return mac.digest();
}

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410): SubjectPublicKeyInfo and PKCS #8.
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const publicKeys = new Map<string, KeyObject | null>();

/** An Ed25519 public key from the base64 of its 32 raw bytes (`whpk_<base64>` without the prefix); null when not one. Cached. */
export function ed25519PublicKey(base64: string): KeyObject | null {
  let key = publicKeys.get(base64);
  if (key === undefined) {
    const raw = decodeBase64Strict(base64);
    key =
      raw?.length === 32
        ? createPublicKey({ key: Buffer.concat([ED25519_SPKI, raw]), format: 'der', type: 'spki' })
        : null;
    if (publicKeys.size >= KEY_CACHE_LIMIT) publicKeys.clear();
    publicKeys.set(base64, key);
  }
  return key;
}

/** An Ed25519 private key from the base64 of its 32-byte seed (`whsk_<base64>` without the prefix); null when not one. */
export function ed25519PrivateKey(base64: string): KeyObject | null {
  const seed = decodeBase64Strict(base64);
  return seed?.length === 32
    ? createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' })
    : null;
}

export function verifyEd25519(message: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  return verify(null, message, key, signature);
}

export function signEd25519(message: Uint8Array, key: KeyObject): Buffer {
  return sign(null, message, key);
}

/** Constant-time equality; different lengths are unequal (timingSafeEqual would throw). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A received digest of exactly `bytes` bytes, or undefined (never throws). Hex may be either case.
 * Base64 must be canonical (padded, zero unused bits), so two different strings never decode to the
 * same digest and a mutated padding character cannot pass.
 */
export function decodeDigest(text: string, encoding: DigestEncoding, bytes: number): Buffer | undefined {
  if (encoding === 'hex') {
    if (text.length !== bytes * 2) return undefined;
    // Buffer.from stops at the first pair that is not hex, so a full-length result means every character was.
    const decoded = Buffer.from(text, 'hex');
    return decoded.length === bytes ? decoded : undefined;
  }
  if (text.length !== 4 * Math.ceil(bytes / 3)) return undefined;
  const decoded = decodeBase64Strict(text);
  return decoded?.length === bytes ? decoded : undefined;
}

/** Strict standard base64 (padding required): undefined unless re-encoding gives the same text. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64');
  return decoded.toString('base64') === text ? decoded : undefined;
}
