/**
 * Provider handshakes, answered by the verifier itself: nothing is recorded, queued or published.
 * - Slack `url_verification` (signed POST): echo the `challenge`.
 * - Zoom `endpoint.url_validation` (signed POST): `{ plainToken, encryptedToken }`, the token's hex
 *   HMAC-SHA256 under the secret that verified the request.
 * - Meta's subscription check (unsigned GET): `hub.verify_token` compared in constant time with the
 *   source's verify token; `hub.challenge` answered as plain text, anything else 403.
 */
import { createHash, createHmac } from 'node:crypto';
import { locate } from './envelope';
import { HandshakeRefusedError, UnknownSourceError } from '../kernel/errors';
import type { HttpResponse } from '../kernel/http';
import type { SecretSource } from './ports';
import { bytesEqual } from '../signatures/crypto';
import type { Handshake } from '../signatures/description';
import { verifyTokenOf, type PreparedSource } from './sources';

const MAX_TOKEN_LENGTH = 512;

/** The answer to a signed URL check, or undefined when this request is an ordinary event. */
export function challengeAnswer(
  handshake: Handshake | undefined,
  parsed: unknown,
  secret: string,
): HttpResponse | undefined {
  const rule = handshake?.challenge;
  if (!rule || locate({ bodyPath: rule.bodyPath }, {}, parsed) !== rule.equals) return undefined;
  if (rule.answer === 'echo-challenge') {
    const challenge = locate({ bodyPath: 'challenge' }, {}, parsed);
    return challenge === undefined || challenge.length > MAX_TOKEN_LENGTH ? undefined : json({ challenge });
  }
  const plainToken = locate({ bodyPath: 'payload.plainToken' }, {}, parsed);
  if (plainToken === undefined || plainToken.length > MAX_TOKEN_LENGTH) return undefined;
  return json({ plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') });
}

/** Answers a GET subscription check for a source whose scheme declares one; 404 for any other source. */
export async function answerSubscription(
  source: PreparedSource | undefined,
  rawQuery: string,
  secrets: SecretSource,
): Promise<HttpResponse> {
  const rule = source?.scheme.handshake?.subscribe;
  if (!source || !rule) throw new UnknownSourceError();
  const query = new URLSearchParams(rawQuery);
  const token = query.get(rule.tokenParam);
  const challenge = query.get(rule.challengeParam);
  const expected = await verifyTokenOf(source, secrets);
  const ok =
    query.get(rule.modeParam) === rule.mode &&
    token !== null &&
    challenge !== null &&
    challenge.length <= MAX_TOKEN_LENGTH &&
    expected !== undefined &&
    // Both sides hashed first: equal lengths for timingSafeEqual, and neither length leaks.
    bytesEqual(sha256(token), sha256(expected));
  if (!ok) throw new HandshakeRefusedError();
  return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: challenge };
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

function json(body: unknown): HttpResponse {
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
