/**
 * Why did (or didn't) a request verify? The diagnosis behind `webhooks verify --explain`: what the
 * scheme computes over which bytes (read from the scheme's own description, the same one verify and
 * sign read), which configured secret matches, the timestamp's age against the tolerance, and —
 * when nothing matches — the common mistake that explains it (causes.ts). The reports' types are in types.ts.
 *
 * It is never on the request path: it runs the verifier dozens of times and may parse the body.
 *
 * @example
 * const e = explainVerification(schemes.stripe, request);
 * if (!e.result.valid) console.log(e.causes[0]?.message);
 */
import { createHash, createHmac } from 'node:crypto';
import type { Scheme, VerifyRequest, VerifyResult } from '../../../lambdas/core/signatures/index';
import { toleranceFor } from '../../../lambdas/core/signatures/verify';
import { anatomy } from './anatomy';
import { diagnose } from './causes';
import { bodyHashReport, contentReport } from './content';
import type { BytesSummary, Explanation, SecretReport, TimestampReport } from './types';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const summary = (bytes: Uint8Array): BytesSummary => ({ bytes: bytes.byteLength, sha256: sha256(bytes) });
const NO_WINDOW = Number.MAX_SAFE_INTEGER;

/**
 * Explains `scheme.verify(request)`: the bytes signed, each secret's result, the timestamp's age,
 * and the likely causes of a failure.
 */
export function explainVerification(scheme: Scheme<unknown>, request: VerifyRequest<unknown>): Explanation {
  const name = scheme.name;
  const result = scheme.verify(request);
  const a = anatomy(scheme, request);
  const secrets = request.secrets;
  /** The signature check alone: the replay window opened wide. */
  const signatureMatch = (r: VerifyRequest<unknown>): VerifyResult =>
    scheme.verify({ ...r, toleranceSeconds: NO_WINDOW });

  const reports: SecretReport[] = secrets.map((secret, index) => {
    const matches = secret !== '' && signatureMatch({ ...request, secrets: [secret] }).valid;
    const key = a.algorithm && a.signed ? a.key(secret) : undefined;
    const expected =
      key && a.algorithm && a.signed
        ? createHmac(a.algorithm, key)
            .update(a.signed)
            .digest(a.encoding ?? 'hex')
        : undefined;
    const problem = scheme.checkSecret(secret);
    return { index, matches, ...(expected !== undefined && { expected }), ...(problem !== undefined && { problem }) };
  });

  const rule = a.layout.timestamp;
  const tolerance = rule ? toleranceFor(rule, request) : undefined;
  const acceptsFuture = rule?.acceptsFuture === true;
  const ts = result.valid ? (result.timestampSeconds ?? a.timestampSeconds) : a.timestampSeconds;
  const timestamp: TimestampReport | undefined =
    ts === undefined || tolerance === undefined
      ? undefined
      : {
          seconds: ts,
          ageSeconds: request.nowSeconds - ts,
          toleranceSeconds: tolerance,
          acceptsFuture,
          withinWindow:
            request.nowSeconds - ts <= tolerance && ts - request.nowSeconds <= (acceptsFuture ? tolerance : 0),
        };

  const content = contentReport(scheme, request);
  const bodyHash = bodyHashReport(a.layout, request);
  const base = {
    scheme: name,
    result,
    template: a.template,
    algorithm: a.algorithm ? `HMAC-${a.algorithm.toUpperCase()} (${a.encoding})` : 'no HMAC (token comparison)',
    body: summary(request.body),
    ...(content && { content }),
    ...(bodyHash && { bodyHash }),
    ...(a.signed && { signed: summary(a.signed) }),
    received: a.received.map((d) => d.toString(a.encoding ?? 'hex')),
    secrets: reports,
    ...(timestamp && { timestamp }),
  };
  return {
    ...base,
    causes: result.valid ? [] : diagnose(scheme, request, result, a, reports, timestamp, signatureMatch),
  };
}
