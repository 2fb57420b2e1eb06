/**
 * YOUR OUTBOUND TRANSFORMS GO HERE, like the processor's routes (config/routes.ts). Each route matches a
 * tenant, an endpoint (or `*`) and an event type (exact, `prefix.*` or `*`); the first match decides the body sent.
 * Unmatched messages are sent as Standard Webhooks `{"type","timestamp","data"}` with the payload unchanged.
 * Return `undefined` to skip the endpoint for that message (the delivery ends `skipped`).
 *
 * @example
 * { tenant: 'acme', endpoint: '*', type: 'invoice.*', transform: ({ message }) =>
 *     JSON.stringify({ kind: message.type, invoice: JSON.parse(message.payload).id }) }
 */
import { defineTransforms } from '../lambdas/core/outbound/delivery/transform';

export const transforms = defineTransforms([]);
