/**
 * Signing, for every scheme, from its layout: the headers a sender attaches. Used by the CLI, the
 * local stack, tests and outbound delivery. Misuse (no secret, a bad timestamp) throws: it is a
 * programmer error, not input to tolerate.
 */
import { createHash } from 'node:crypto';
import { ed25519PrivateKey, hmac, hmacKey, signEd25519 } from './crypto';
import { signatureHeaders, type Layout } from './description';
import { formatTimestamp } from './formats';
import { paramsFor, placeholders, signedBytes, signedParts } from './signed-content';
import type { SignRequest } from './types';
import { signedUrl } from './verify';

export function signLayout(scheme: string, layout: Layout, request: SignRequest<unknown>): Record<string, string> {
  if (typeof request.secret !== 'string' || request.secret.length === 0)
    throw new TypeError(`${scheme}.sign() needs a non-empty secret`);
  const signature = layout.signature;
  if (signature.format === 'token') return { [signature.header]: request.secret };

  const headers: Record<string, string> = {};
  const uses = placeholders(layout.signedContent);
  const from = layout.timestamp?.from;
  let timestamp: string | undefined;
  if (from === 'signature' || (typeof from === 'object' && 'header' in from)) {
    const seconds = request.timestampSeconds;
    if (!Number.isInteger(seconds) || seconds < 0)
      throw new TypeError(`${scheme}.sign() needs a non-negative integer timestampSeconds`);
    timestamp = from === 'signature' ? String(seconds) : formatTimestamp(seconds, from.format);
    if (from !== 'signature') headers[from.header[0] as string] = timestamp;
  }
  let id: string | undefined;
  if (uses.has('id')) {
    // Deterministic by default, so fixtures are reproducible.
    id =
      request.id ??
      `msg_${createHash('sha256').update(`${request.timestampSeconds}.`).update(request.body).digest('hex').slice(0, 24)}`;
    headers[layout.idHeaders?.[0] ?? 'id'] = id;
  }
  const url = uses.has('url') ? signedUrl(layout, request) : undefined;
  if (uses.has('url') && url === undefined)
    throw new TypeError(`${scheme}.sign() needs a url or options.${layout.url?.option ?? 'url'}`);

  const asymmetric = layout.asymmetric;
  if (asymmetric && request.secret.startsWith(asymmetric.secretKeyPrefix)) {
    const privateKey = ed25519PrivateKey(request.secret.slice(asymmetric.secretKeyPrefix.length));
    if (!privateKey)
      throw new TypeError(`${scheme}.sign() needs a ${asymmetric.secretKeyPrefix}<base64 32-byte seed> key`);
    const signature = signEd25519(
      signedBytes(layout, { timestampText: timestamp, id, url }, request.body),
      privateKey,
    ).toString('base64');
    headers[signatureHeaders(layout)[0] as string] = asymmetric.prefix + signature;
    return headers;
  }
  const key = hmacKey(layout.key, request.secret);
  if (!key) throw new TypeError(`${scheme}.sign() needs a whsec_<base64> secret`);
  const params = uses.has('params') ? paramsFor(layout, url, request.body) : undefined;
  const digest = hmac(
    layout.algorithm ?? 'sha256',
    key,
    signedParts(layout, { timestampText: timestamp, id, url, params }, request.body),
  ).toString(layout.encoding);
  if (signature.format === 'pairs') {
    headers[signature.header] =
      `${signature.timestampKey}=${timestamp}${signature.separator}${signature.signatureKey}=${digest}`;
  } else {
    headers[signature.headers[0] as string] = signature.prefix + digest;
  }
  return headers;
}
