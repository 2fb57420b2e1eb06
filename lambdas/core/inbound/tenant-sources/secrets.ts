/**
 * A tenant source's secrets: held as one JSON document (`HeldSecrets`: current, previous with its expiry, verify
 * token), encrypted as a whole, so a verifier's cache miss costs one Decrypt. Generated secrets come from
 * node:crypto; rotation keeps the replaced secret verifying for a grace period, as endpoint secrets do.
 */
import { randomBytes } from 'node:crypto';
import type { HeldSecrets } from '../sources';
import type { SourceSecretCipher, SourceSecretContext } from './ports';

/** How long a rotated-out secret still verifies by default: providers that roll secrets overlap them for a day. */
export const DEFAULT_GRACE_MS = 24 * 3600 * 1000;

/** A secret for a scheme whose receiver chooses it (GitHub, GitLab, hmac): 32 random bytes, base64url. */
export function generateSourceSecret(random: (bytes: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

/** The unguessable part of a tenant source's URL: 16 random bytes, base64url (22 characters). */
export function generateUrlToken(random: (bytes: number) => Buffer = randomBytes): string {
  return random(16).toString('base64url');
}

export function sealSecrets(held: HeldSecrets, cipher: SourceSecretCipher, context: SourceSecretContext) {
  return cipher.encrypt(JSON.stringify(held), context);
}

export async function openSecrets(
  sealed: string,
  cipher: SourceSecretCipher,
  context: SourceSecretContext,
): Promise<HeldSecrets> {
  const value = JSON.parse(await cipher.decrypt(sealed, context)) as HeldSecrets;
  if (typeof value.current !== 'string') throw new Error('sealed source secrets hold no current secret');
  return value;
}

/** `next` becomes current; the current one verifies until `nowMs + graceMs` (a secret still in grace is dropped). */
export function rotate(held: HeldSecrets, next: string, nowMs: number, graceMs: number): HeldSecrets {
  return {
    current: next,
    ...(graceMs > 0 && { previous: { secret: held.current, expiresAt: nowMs + graceMs } }),
    ...(held.verifyToken !== undefined && { verifyToken: held.verifyToken }),
  };
}
