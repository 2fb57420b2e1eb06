/**
 * `send` for provider handshakes: a signed URL check (Slack `url_verification`, Zoom
 * `endpoint.url_validation`) and Meta's GET subscription check. The answer the provider expects is
 * worked out by the verifier's own core (`challengeAnswer`, the scheme's `handshake` description),
 * so the CLI and the verifier cannot disagree about it.
 */
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { parseBody } from '../../lambdas/core/inbound/body';
import { challengeAnswer } from '../../lambdas/core/inbound/handshake';
import type { HttpResponse } from '../../lambdas/core/kernel/http';
import { CommandError, type CliIo } from '../command';
import { formatMs } from './stats';
import { request, unreachable, type Answer } from './send-http';
import { CLI_USER_AGENT, type Sender, type SignedRequest } from './webhook-request';

/** The answer the verifier owes this body when it is the scheme's signed URL check; undefined for an ordinary event. */
export function expectedChallengeAnswer(sender: Sender, body: Buffer): HttpResponse | undefined {
  if (!sender.scheme.handshake?.challenge) return undefined;
  try {
    const { parsed } = parseBody(sender.contentType, body.toString('utf8'));
    return challengeAnswer(sender.scheme.handshake, parsed, sender.secret);
  } catch {
    return undefined;
  }
}

/** POSTs a signed URL check and says whether the answer is the one the provider expects. */
export async function sendChallenge(
  io: CliIo,
  o: { sender: Sender; request: SignedRequest; expected: HttpResponse; json: boolean },
): Promise<number> {
  const answer = await request(o.request.url, { method: 'POST', headers: o.request.headers, body: o.request.body });
  const ok = answer.result.status === o.expected.statusCode && sameJson(answer.text, o.expected.body);
  return report(io, answer, ok, o.json, o.request.url, {
    good: `handshake answered as ${o.sender.scheme.name} expects; nothing recorded, queued or published`,
    bad: `not the answer ${o.sender.scheme.name} expects (${shorten(o.expected.body)})`,
  });
}

/** Makes the scheme's GET subscription check (Meta) with `verifyToken`, and checks the challenge comes back. */
export async function sendSubscription(
  io: CliIo,
  o: { sender: Sender; url: string; verifyToken: string; tokenOrigin: string; json: boolean },
): Promise<number> {
  const rule = o.sender.scheme.handshake?.subscribe;
  if (!rule) throw new TypeError(`${o.sender.scheme.name} has no GET subscription check`);
  const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
  const url = new URL(o.url);
  url.searchParams.set(rule.modeParam, rule.mode);
  url.searchParams.set(rule.tokenParam, o.verifyToken);
  url.searchParams.set(rule.challengeParam, challenge);
  const shown = new URL(url);
  shown.searchParams.set(rule.tokenParam, '…');
  if (!o.json)
    io.out(
      `→ GET ${decodeURIComponent(shown.href)}  (${o.sender.source.id}, ${o.sender.scheme.name} subscription check, ${o.tokenOrigin})`,
    );
  const answer = await request(url.href, { method: 'GET', headers: { 'user-agent': CLI_USER_AGENT } });
  const ok = answer.result.status === 200 && answer.text === challenge;
  return report(io, answer, ok, o.json, o.url, {
    good: `the challenge came back as text: ${o.sender.scheme.name} would confirm the subscription`,
    bad:
      answer.result.status === 403
        ? `refused: the verify token is not the source's (its secret JSON's "verifyToken"; locally config/local.ts)`
        : `the challenge (${challenge}) did not come back`,
  });
}

function report(
  io: CliIo,
  answer: Answer,
  ok: boolean,
  json: boolean,
  url: string,
  lines: { good: string; bad: string },
): number {
  const { result } = answer;
  if (result.status === 0) throw new CommandError('unreachable', unreachable(url, result));
  if (json) {
    io.out(
      JSON.stringify({
        status: result.status,
        latencyMs: result.latencyMs,
        contentType: answer.contentType,
        body: answer.text,
        handshake: ok ? 'answered' : 'refused',
      }),
    );
    return ok ? 0 : 1;
  }
  const what =
    result.code ??
    (answer.text === '' ? '(empty body)' : `${answer.contentType?.split(';')[0] ?? ''} ${shorten(answer.text)}`.trim());
  io.out(`← ${result.status} ${what}  in ${formatMs(result.latencyMs)}`);
  io.out(ok ? `  ${lines.good}` : `  ✗ ${lines.bad}`);
  return ok ? 0 : 1;
}

function sameJson(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return false;
  }
}

/** Long hex values (an HMAC such as Zoom's encryptedToken) are shortened: they are derived from the secret. */
function shorten(text: string): string {
  return text.replace(/\b([0-9a-f]{12})[0-9a-f]{28,}\b/g, '$1…');
}
