import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { zoom } from '../../../lambdas/core/signatures/schemes/zoom';
import { NOW, signedRequest, toBytes, withBody, withHeader } from '../../helpers/signed-request';

const verify = (request: unknown) => zoom.verify(request as never);

// Zoom publishes no test vector; this one is computed independently with node:crypto following
// Zoom's documented construction (v0:{x-zm-request-timestamp}:{body}), not with zoom.sign().
describe('zoom', () => {
  it('verify() accepts a signature built as Zoom documents it', () => {
    const body = '{"event":"meeting.started","payload":{"account_id":"abc"},"event_ts":1704067200000}';
    const signature = 'v0=' + createHmac('sha256', 'zoom-secret').update(`v0:${NOW}:${body}`).digest('hex');
    const request = {
      body: toBytes(body),
      headers: { 'x-zm-signature': signature, 'x-zm-request-timestamp': String(NOW) },
      secrets: ['zoom-secret'],
      nowSeconds: NOW,
      options: {},
    };
    expect(verify(request)).toEqual({ valid: true, secretIndex: 0, timestampSeconds: NOW });
  });

  it('verify() returns signature_mismatch for a tampered body or timestamp', () => {
    const request = signedRequest('zoom');
    expect(verify(withBody(request, '{}'))).toMatchObject({ reason: 'signature_mismatch' });
    expect(verify(withHeader(request, 'x-zm-request-timestamp', String(NOW + 1)))).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('verify() applies a 300 s window both ways', () => {
    expect(verify(signedRequest('zoom', { timestampSeconds: NOW - 301 }))).toMatchObject({ reason: 'stale_timestamp' });
    expect(verify(signedRequest('zoom', { timestampSeconds: NOW + 301 }))).toMatchObject({
      reason: 'future_timestamp',
    });
  });

  it('verify() returns missing_timestamp without x-zm-request-timestamp', () => {
    expect(verify(withHeader(signedRequest('zoom'), 'x-zm-request-timestamp', undefined))).toMatchObject({
      reason: 'missing_timestamp',
    });
  });

  it('reads the event type from the body `event` field', () => {
    expect(zoom.eventType).toEqual({ bodyPath: 'event' });
  });
});
