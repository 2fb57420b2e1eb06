import { createHmac } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROTATION_GRACE_MS,
  generateSecret,
  openSigningSecrets,
  rotateSecrets,
  sealSecrets,
  signingSecrets,
  signRequest,
  type SignInput,
} from '../../../../lambdas/core/outbound/delivery/signing';
import { schemes } from '../../../../lambdas/core/signatures/index';
import type { SecretCipher } from '../../../../lambdas/core/outbound/ports';
import { fakeCipher, NOW, PREVIOUS_SECRET, SECRET } from '../../../helpers/outbound';

const BODY = Buffer.from(
  '{"type":"invoice.paid","timestamp":"2026-12-02T06:00:00.000Z","data":{"amount":12345678901234567890}}',
);
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const CONTEXT = { tenantId: 'acme', endpointId: 'ep_1' };

/** The fixture: one Standard Webhooks request signed now (the official library checks the time). */
function input(overrides: Partial<SignInput> = {}): SignInput {
  return {
    signing: { scheme: 'standard-webhooks' },
    secrets: [SECRET],
    messageId: 'msg_2Yh9',
    timestampSeconds: Math.floor(Date.now() / 1000),
    body: BODY,
    url: 'https://receiver.example/hooks',
    ...overrides,
  };
}

describe('generateSecret()', () => {
  it('returns whsec_ and the base64 of 32 random bytes, a key the Standard Webhooks checks accept', () => {
    const secret = generateSecret();

    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(schemes['standard-webhooks'].checkSecret(secret)).toBeUndefined();
  });

  it('uses the random source: two secrets differ, and an injected source is used as is', () => {
    expect(generateSecret()).not.toBe(generateSecret());
    expect(generateSecret(() => Buffer.alloc(32, 1))).toBe(`whsec_${Buffer.alloc(32, 1).toString('base64')}`);
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    expect(() => generateSecret(() => Buffer.alloc(16))).toThrow(/16 bytes/);
  });
});

describe('rotateSecrets()', () => {
  it('makes a new current secret and keeps the old one for 24 h by default', () => {
    const { secrets, newSecret } = rotateSecrets({ current: SECRET }, NOW);

    expect(secrets).toEqual({
      current: newSecret,
      previous: { secret: SECRET, expiresAt: NOW + DEFAULT_ROTATION_GRACE_MS },
    });
    expect(DEFAULT_ROTATION_GRACE_MS).toBe(24 * 3600 * 1000);
  });

  it('takes another grace period when given one', () => {
    expect(rotateSecrets({ current: SECRET }, NOW, { graceMs: 60_000 }).secrets.previous?.expiresAt).toBe(NOW + 60_000);
  });

  it('drops a secret still in an earlier grace period: at most two secrets sign', () => {
    const first = rotateSecrets({ current: PREVIOUS_SECRET }, NOW).secrets;

    const second = rotateSecrets(first, NOW + 1000).secrets;

    expect(signingSecrets(second, NOW + 1000)).toEqual([second.current, first.current]);
  });

  it('refuses a negative grace period', () => {
    expect(() => rotateSecrets({ current: SECRET }, NOW, { graceMs: -1 })).toThrow(RangeError);
  });
});

describe('signingSecrets()', () => {
  const rotated = { current: SECRET, previous: { secret: PREVIOUS_SECRET, expiresAt: NOW + 1000 } };

  it('signs with both secrets during the grace period, current first', () => {
    expect(signingSecrets(rotated, NOW + 999)).toEqual([SECRET, PREVIOUS_SECRET]);
  });

  it('signs with the current secret only once the grace period is over', () => {
    expect(signingSecrets(rotated, NOW + 1000)).toEqual([SECRET]);
  });
});

describe('sealSecrets() and openSigningSecrets()', () => {
  it('stores ciphertext only, and opens both secrets during the grace period', async () => {
    const sealed = await sealSecrets(
      { current: SECRET, previous: { secret: PREVIOUS_SECRET, expiresAt: NOW + 1000 } },
      fakeCipher,
      CONTEXT,
    );

    expect(JSON.stringify(sealed)).not.toContain(SECRET);
    expect(JSON.stringify(sealed)).not.toContain(PREVIOUS_SECRET);
    expect(await openSigningSecrets(sealed, fakeCipher, CONTEXT, NOW)).toEqual([SECRET, PREVIOUS_SECRET]);
  });

  it('does not decrypt a previous secret whose grace period is over', async () => {
    const sealed = await sealSecrets(
      { current: SECRET, previous: { secret: PREVIOUS_SECRET, expiresAt: NOW } },
      fakeCipher,
      CONTEXT,
    );
    const decrypted: string[] = [];
    const counting: SecretCipher = {
      encrypt: fakeCipher.encrypt,
      decrypt: async (c, ctx) => (decrypted.push(c), fakeCipher.decrypt(c, ctx)),
    };

    expect(await openSigningSecrets(sealed, counting, CONTEXT, NOW)).toEqual([SECRET]);
    expect(decrypted).toEqual([sealed.current]);
  });
});

describe('signRequest() with Standard Webhooks', () => {
  it('produces headers the official standardwebhooks library verifies', () => {
    const headers = signRequest(input());

    expect(() => new Webhook(SECRET).verify(BODY.toString(), headers)).not.toThrow();
    expect(headers['webhook-id']).toBe('msg_2Yh9');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('fails the official verification with another secret', () => {
    expect(() => new Webhook(OTHER_SECRET).verify(BODY.toString(), signRequest(input()))).toThrow();
  });

  it('keeps the message id as webhook-id on every attempt, whatever the timestamp', () => {
    const first = signRequest(input({ timestampSeconds: 1_796_191_200 }));
    const retry = signRequest(input({ timestampSeconds: 1_796_191_205 }));

    expect([first['webhook-id'], retry['webhook-id']]).toEqual(['msg_2Yh9', 'msg_2Yh9']);
    expect(first['webhook-signature']).not.toBe(retry['webhook-signature']);
  });

  it('during a rotation, carries two space-separated signatures that each verify with their own secret', () => {
    const headers = signRequest(input({ secrets: [SECRET, PREVIOUS_SECRET] }));

    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(() => new Webhook(SECRET).verify(BODY.toString(), headers)).not.toThrow();
    expect(() => new Webhook(PREVIOUS_SECRET).verify(BODY.toString(), headers)).not.toThrow();
    expect(() => new Webhook(OTHER_SECRET).verify(BODY.toString(), headers)).toThrow();
  });
});

describe("signRequest() agrees with this stack's own inbound verifiers", () => {
  it('standard-webhooks: each secret of a rotation verifies with the inbound scheme', () => {
    const headers = signRequest(input({ secrets: [SECRET, PREVIOUS_SECRET] }));
    const now = Math.floor(Date.now() / 1000);

    const results = [SECRET, PREVIOUS_SECRET, OTHER_SECRET].map(
      (s) =>
        schemes['standard-webhooks'].verify({ body: BODY, headers, secrets: [s], nowSeconds: now, options: {} }).valid,
    );

    expect(results).toEqual([true, true, false]);
  });

  it.each(['epoch', 'iso8601'] as const)(
    'wss (%s): verifies with the inbound hmac scheme configured as hmac.ts documents X-WSS',
    (timestampFormat) => {
      const options = schemes.hmac.optionsSchema.parse({
        header: 'X-WSS-Signature',
        prefix: '',
        timestampHeader: 'X-WSS-Timestamp',
        timestampFormat: 'auto',
        signedContent: '{timestamp}{body}',
      });
      const now = Math.floor(Date.now() / 1000);
      const headers = signRequest(
        input({
          signing: { scheme: 'wss', timestampFormat },
          secrets: [SECRET, PREVIOUS_SECRET],
          timestampSeconds: now,
        }),
      );

      const results = [SECRET, PREVIOUS_SECRET, OTHER_SECRET].map(
        (s) => schemes.hmac.verify({ body: BODY, headers, secrets: [s], nowSeconds: now, options }).valid,
      );

      expect(results).toEqual([true, true, false]);
    },
  );
});

describe('signRequest() with the X-WSS scheme', () => {
  const TS = 1_796_191_200;

  it('signs hex HMAC-SHA256 of the epoch timestamp followed by the raw body', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}`).update(BODY).digest('hex');

    const headers = signRequest(input({ signing: { scheme: 'wss', timestampFormat: 'epoch' }, timestampSeconds: TS }));

    expect(headers).toEqual({ 'x-wss-timestamp': String(TS), 'x-wss-signature': expected });
  });

  it('signs over the ISO 8601 timestamp when the endpoint is configured for it', () => {
    const iso = new Date(TS * 1000).toISOString();
    const expected = createHmac('sha256', SECRET).update(iso).update(BODY).digest('hex');

    const headers = signRequest(
      input({ signing: { scheme: 'wss', timestampFormat: 'iso8601' }, timestampSeconds: TS }),
    );

    expect(headers).toEqual({ 'x-wss-timestamp': '2026-12-02T06:00:00.000Z', 'x-wss-signature': expected });
  });

  it('during a rotation, sends both hex signatures, comma-joined like a repeated header', () => {
    const current = createHmac('sha256', SECRET).update(`${TS}`).update(BODY).digest('hex');
    const previous = createHmac('sha256', PREVIOUS_SECRET).update(`${TS}`).update(BODY).digest('hex');

    const headers = signRequest(
      input({
        signing: { scheme: 'wss', timestampFormat: 'epoch' },
        secrets: [SECRET, PREVIOUS_SECRET],
        timestampSeconds: TS,
      }),
    );

    expect(headers['x-wss-signature']).toBe(`${current}, ${previous}`);
  });
});

describe('signRequest() with inbound schemes', () => {
  it('GitHub style verifies with @octokit/webhooks-methods', async () => {
    const headers = signRequest(input({ signing: { scheme: 'github', options: {} } }));

    expect(await octokitVerify(SECRET, BODY.toString(), headers['x-hub-signature-256']!)).toBe(true);
  });

  it('Stripe style verifies with the stripe library, with each secret during a rotation', () => {
    const stripe = new Stripe('sk_test_unused');
    const headers = signRequest(
      input({ signing: { scheme: 'stripe', options: {} }, secrets: [SECRET, PREVIOUS_SECRET] }),
    );

    for (const secret of [SECRET, PREVIOUS_SECRET]) {
      expect(() => stripe.webhooks.constructEvent(BODY, headers['stripe-signature']!, secret)).not.toThrow();
    }
    expect(() => stripe.webhooks.constructEvent(BODY, headers['stripe-signature']!, OTHER_SECRET)).toThrow();
  });

  it("generic hmac with options verifies with this stack's own verifier, with each secret during a rotation", () => {
    const options = schemes.hmac.optionsSchema.parse({ header: 'X-Signature', prefix: 'sha512=', algorithm: 'sha512' });
    const now = Math.floor(Date.now() / 1000);
    const headers = signRequest(
      input({
        signing: { scheme: 'hmac', options: { header: 'X-Signature', prefix: 'sha512=', algorithm: 'sha512' } },
        secrets: [SECRET, PREVIOUS_SECRET],
      }),
    );

    const results = [SECRET, PREVIOUS_SECRET, OTHER_SECRET].map(
      (s) => schemes.hmac.verify({ body: BODY, headers, secrets: [s], nowSeconds: now, options }).valid,
    );

    expect(results).toEqual([true, true, false]);
  });
});

describe('signRequest() misuse', () => {
  it('throws without a secret', () => {
    expect(() => signRequest(input({ secrets: [] }))).toThrow(/at least one secret/);
  });

  it.each([
    ['without the whsec_ prefix', Buffer.alloc(32, 1).toString('base64')],
    ['with a key that is not base64', 'whsec_not*base64'],
    ['with a key shorter than 24 bytes', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
  ])('throws for a standard-webhooks secret %s', (_what, secret) => {
    expect(() => signRequest(input({ secrets: [secret] }))).toThrow(/whsec_/);
  });

  it('throws for a fractional timestamp', () => {
    expect(() => signRequest(input({ timestampSeconds: 1.5 }))).toThrow(/whole epoch seconds/);
  });
});
