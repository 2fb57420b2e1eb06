/**
 * AES-256-GCM with associated data, as node:crypto gives it: how endpoint secrets are sealed under a data key
 * (envelope-cipher.ts) and, locally, under the stand-in for KMS (local/local-cipher.ts). The sealed form is
 * base64(iv ‖ tag ‖ ciphertext); a different key or associated data fails authentication.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretContext } from '../ports';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Uint8Array, plaintext: string, associated: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(associated);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

export function open(key: Uint8Array, sealed: string, associated: Uint8Array): string {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES)).setAAD(associated);
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** The associated data that binds a sealed secret to its endpoint: sealed for one, it does not open for another. */
export function boundTo(context: SecretContext): Uint8Array {
  return Buffer.from(JSON.stringify([context.tenantId, context.endpointId]));
}
