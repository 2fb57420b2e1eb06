/**
 * YOUR HANDLERS GO HERE. Each route matches a source (or `*`) and a type (exact, `prefix.*`, or `*`);
 * the first match handles the event. Unmatched events are published to the topic unchanged.
 *
 * A handler returns `{ publish: true, message, attributes? }` to publish (attributes are added to
 * `source`, `type` and `eventId`, for subscriber filter policies), or `{ publish: false }` to consume
 * the event without publishing. Throwing marks the event `failed`; SQS retries it and, after
 * `maxReceiveCount` receives, moves it to the source's dead-letter queue.
 *
 * @example
 * { source: 'stripe', type: 'invoice.*', handle: (event) => ({
 *     publish: true,
 *     message: JSON.stringify({ id: event.id, invoice: (event.payload as { data: unknown }).data }),
 *     attributes: { tier: 'billing' },
 * }) }
 */
import { defineRoutes } from '../lambdas/core/inbound/routing';

export const routes = defineRoutes([
  // GitHub's connectivity check carries no business event: record it, publish nothing.
  { source: '*', type: 'ping', handle: () => ({ publish: false }) },
]);
