/**
 * A relayed inbound event is the provider's, verified by its signature: the local relay (like the deployed one)
 * does not check it against the platform's event types catalog, even when a catalogued type has its name; a message
 * sent through the API with that type is checked.
 */
import * as z from 'zod/mini';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineEventTypes } from '../../lambdas/core/outbound/event-types';
import { post, signedRequest, startTestStack, waitFor, type TestStack } from '../e2e/helpers';

const catalog = defineEventTypes({
  types: [
    {
      name: 'payment_intent.succeeded',
      description: 'The platform’s own event of that name, of another shape.',
      schema: z.strictObject({ payment: z.string() }),
      example: { payment: 'pay_1' },
    },
  ],
});
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({
    outbound: { eventTypes: catalog, relays: [{ source: 'stripe', types: ['*'], tenant: 'internal' }] },
  });
  await fetch(`${t.stack.url}/v1/tenants/internal/endpoints`, {
    method: 'POST',
    body: JSON.stringify({ url: 'http://127.0.0.1:9/relayed' }),
  });
});
afterAll(() => t?.stop());

it('relays a provider event whose type the catalog also names, unchecked; the API checks the same type', async () => {
  expect((await post(signedRequest(t.stack.url, 'stripe'))).status).toBe(202);
  const deliveries = await waitFor('the relayed delivery', async () => {
    const r = await fetch(`${t.stack.url}/v1/tenants/internal/deliveries`);
    const { deliveries } = (await r.json()) as { deliveries: unknown[] };
    return deliveries.length > 0 ? deliveries : undefined;
  });
  expect(deliveries).toHaveLength(1);

  const sent = await fetch(`${t.stack.url}/v1/tenants/internal/messages`, {
    method: 'POST',
    body: JSON.stringify({ type: 'payment_intent.succeeded', payload: { id: 'pi_1' } }),
  });
  expect(sent.status).toBe(400);
});
