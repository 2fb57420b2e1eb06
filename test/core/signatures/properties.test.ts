/**
 * Properties every scheme must have, checked with fast-check over arbitrary input:
 * sign→verify round-trips, and any single-character change to what is signed makes verify fail.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SchemeName, schemes, type VerifyRequest } from '../../../lambdas/core/signatures/index';
import { flipByte, NOW, signedRequest, withBody, withHeader } from '../../helpers/signed-request';

const RUNS = { numRuns: 60 };

interface Case {
  readonly title: string;
  readonly scheme: SchemeName;
  readonly options?: Record<string, unknown>;
  /** Headers whose every character is covered by the signature (or is the signature). */
  readonly signedHeaders: readonly string[];
  /** How to move the signed timestamp by `delta` seconds; absent when the scheme signs no header timestamp. */
  readonly shiftTimestamp?: (request: VerifyRequest<unknown>, delta: number) => VerifyRequest<unknown>;
  /** Whether every byte of the body is covered (false for GitLab's token, Twilio's decoded form parameters). */
  readonly rawBodySigned: boolean;
  /** Wraps arbitrary bytes into a body the scheme can carry (Linear needs its timestamp inside). */
  readonly bodyFor?: (bytes: Uint8Array) => Uint8Array;
  readonly url?: (body: Uint8Array) => string;
}

const headerShift = (name: string) => (request: VerifyRequest<unknown>, delta: number) =>
  withHeader(request, name, String(Number(request.headers[name]) + delta));
const innerShift = (name: string, key: string) => (request: VerifyRequest<unknown>, delta: number) =>
  withHeader(
    request,
    name,
    (request.headers[name] as string).replace(
      new RegExp(`${key}=(\\d+)`),
      (_, t: string) => `${key}=${Number(t) + delta}`,
    ),
  );
const linearBody = (bytes: Uint8Array) =>
  new TextEncoder().encode(
    JSON.stringify({ data: Buffer.from(bytes).toString('latin1'), webhookTimestamp: NOW * 1000 }),
  );
const WSS = {
  header: 'X-WSS-Signature',
  prefix: '',
  timestampHeader: 'X-WSS-Timestamp',
  signedContent: '{timestamp}{body}',
};

const CASES: readonly Case[] = [
  {
    title: 'stripe',
    scheme: 'stripe',
    signedHeaders: ['stripe-signature'],
    shiftTimestamp: innerShift('stripe-signature', 't'),
    rawBodySigned: true,
  },
  { title: 'github', scheme: 'github', signedHeaders: ['x-hub-signature-256'], rawBodySigned: true },
  { title: 'shopify', scheme: 'shopify', signedHeaders: ['x-shopify-hmac-sha256'], rawBodySigned: true },
  {
    title: 'slack',
    scheme: 'slack',
    signedHeaders: ['x-slack-signature', 'x-slack-request-timestamp'],
    shiftTimestamp: headerShift('x-slack-request-timestamp'),
    rawBodySigned: true,
  },
  {
    title: 'standard-webhooks',
    scheme: 'standard-webhooks',
    signedHeaders: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    shiftTimestamp: headerShift('webhook-timestamp'),
    rawBodySigned: true,
  },
  { title: 'twilio (form)', scheme: 'twilio', signedHeaders: ['x-twilio-signature'], rawBodySigned: false },
  {
    title: 'twilio (JSON, bodySHA256)',
    scheme: 'twilio',
    signedHeaders: ['x-twilio-signature'],
    rawBodySigned: true,
    url: (body) => `https://hooks.example.com/t?bodySHA256=${createHash('sha256').update(body).digest('hex')}`,
  },
  { title: 'square', scheme: 'square', signedHeaders: ['x-square-hmacsha256-signature'], rawBodySigned: true },
  {
    title: 'paddle',
    scheme: 'paddle',
    signedHeaders: ['paddle-signature'],
    shiftTimestamp: innerShift('paddle-signature', 'ts'),
    rawBodySigned: true,
  },
  { title: 'linear', scheme: 'linear', signedHeaders: ['linear-signature'], rawBodySigned: true, bodyFor: linearBody },
  {
    title: 'zoom',
    scheme: 'zoom',
    signedHeaders: ['x-zm-signature', 'x-zm-request-timestamp'],
    shiftTimestamp: headerShift('x-zm-request-timestamp'),
    rawBodySigned: true,
  },
  { title: 'entrupy', scheme: 'entrupy', signedHeaders: ['entrupy-signature'], rawBodySigned: true },
  { title: 'gitlab', scheme: 'gitlab', signedHeaders: ['x-gitlab-token'], rawBodySigned: false },
  { title: 'hmac (defaults)', scheme: 'hmac', signedHeaders: ['x-webhook-signature'], rawBodySigned: true },
  {
    title: 'hmac (Bearer, sha512 base64)',
    scheme: 'hmac',
    options: { header: 'Authorization', prefix: 'Bearer ', algorithm: 'sha512', encoding: 'base64' },
    signedHeaders: ['authorization'],
    rawBodySigned: true,
  },
  {
    title: 'hmac (X-WSS epoch)',
    scheme: 'hmac',
    options: WSS,
    signedHeaders: ['x-wss-signature', 'x-wss-timestamp'],
    shiftTimestamp: headerShift('x-wss-timestamp'),
    rawBodySigned: true,
  },
  {
    title: 'hmac (X-WSS ISO 8601)',
    scheme: 'hmac',
    options: { ...WSS, timestampFormat: 'iso8601' },
    signedHeaders: ['x-wss-signature', 'x-wss-timestamp'],
    rawBodySigned: true,
  },
];

/** Bodies: raw bytes, unicode text (including astral and combining characters), and empty. */
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
  fc.constant(new Uint8Array(0)),
);

function build(c: Case, raw: Uint8Array, secrets?: readonly string[], secret?: string): VerifyRequest<unknown> {
  const body = c.bodyFor ? c.bodyFor(raw) : raw;
  return signedRequest(c.scheme, {
    body,
    ...(c.options && { options: c.options }),
    ...(c.url && { url: c.url(body) }),
    ...(secret !== undefined && { secret }),
    ...(secrets && { secrets }),
  });
}

describe.each(CASES)('$title', (c) => {
  const scheme = schemes[c.scheme];

  it('sign() then verify() succeeds for any body, including unicode and empty', () => {
    fc.assert(
      fc.property(bodies, (raw) => {
        expect(scheme.verify(build(c, raw))).toMatchObject({ valid: true, secretIndex: 0 });
      }),
      RUNS,
    );
  });

  it('verify() matches any of several secrets and reports its index', () => {
    fc.assert(
      fc.property(bodies, fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 3 }), (raw, others) => {
        const label = `rotated-secret-${others.length}-of-rotation`;
        const secret = c.scheme === 'standard-webhooks' ? `whsec_${Buffer.from(label).toString('base64')}` : label;
        const secrets = [...others.filter((s) => s !== secret), secret];
        expect(scheme.verify(build(c, raw, secrets, secret))).toMatchObject({
          valid: true,
          secretIndex: secrets.length - 1,
        });
      }),
      RUNS,
    );
  });

  if (c.rawBodySigned) {
    it('verify() fails when any single byte of the body changes', () => {
      fc.assert(
        fc.property(
          bodies.filter((b) => b.length > 0),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (raw, at, mask) => {
            const request = build(c, raw);
            const result = scheme.verify(withBody(request, flipByte(request.body, at % request.body.length, mask)));
            expect(result.valid).toBe(false);
          },
        ),
        RUNS,
      );
    });
  }

  it('verify() fails when any single character of a signed header changes', () => {
    fc.assert(
      fc.property(
        bodies,
        fc.constantFrom(...c.signedHeaders),
        fc.nat(),
        fc.integer({ min: 0x20, max: 0x7e }),
        (raw, name, at, code) => {
          const request = build(c, raw);
          const value = request.headers[name] as string;
          const i = at % value.length;
          const replacement = String.fromCharCode(code);
          // A case flip is not a change where case is documented not to matter (hex digits, the hmac prefix).
          fc.pre(replacement.toLowerCase() !== (value[i] as string).toLowerCase());
          const mutated = value.slice(0, i) + replacement + value.slice(i + 1);
          expect(scheme.verify(withHeader(request, name, mutated)).valid).toBe(false);
        },
      ),
      RUNS,
    );
  });

  const shift = c.shiftTimestamp;
  if (shift) {
    it('verify() fails when the signed timestamp moves, even within the tolerance', () => {
      fc.assert(
        fc.property(
          bodies,
          fc.integer({ min: -200, max: 200 }).filter((d) => d !== 0),
          (raw, delta) => {
            expect(scheme.verify(shift(build(c, raw), delta)).valid).toBe(false);
          },
        ),
        RUNS,
      );
    });
  }
});
