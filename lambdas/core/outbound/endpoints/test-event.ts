/**
 * A test event for one endpoint (`POST …/endpoints/{endpoint}/test`, the portal's "Send test event"): a real message
 * of the tenant, accepted and delivered by the same intake and worker as any other (signed, retried, logged), but
 * fanned out to this endpoint only. Its payload is the catalog's example of the type unless one is given; the type
 * defaults to the first catalogued type the endpoint's filter matches. The caller reads the delivery it returns
 * (`GET …/deliveries/{delivery}`) to see the attempt.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { BadRequestError } from '../../kernel/errors';
import { describeIssues } from '../../kernel/issues';
import { EndpointDisabledError, NotFoundError } from '../errors';
import { matchesFilter } from '../event-filter';
import { NO_EVENT_TYPES, type EventTypeCatalog } from '../event-types';
import { submitMessage, type SubmitDeps } from '../intake/submit';
import { deliveryView, type Delivery } from '../model';
import type { EndpointRepository, EndpointStore } from '../ports';

/** The type sent when the catalog has none the endpoint's filter matches. */
export const FALLBACK_TEST_TYPE = 'webhook.test';

/** The body of a test-event request: all optional. */
export const testEventInputSchema = z.strictObject({
  /** The event type; it must pass the endpoint's filter. @default the first catalogued type it matches */
  type: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  /** The payload (any JSON). @default the catalog's example of the type */
  payload: z.optional(z.unknown()),
});

export interface TestEventDeps extends Omit<SubmitDeps, 'endpoints'> {
  readonly endpoints: EndpointRepository;
  readonly eventTypes?: EventTypeCatalog;
  /** @default `test_` + random */
  readonly newTestId?: () => string;
}

export interface TestEventOutcome {
  readonly message: { readonly id: string; readonly type: string };
  readonly delivery: Delivery;
}

export async function sendTestEvent(
  tenantId: string,
  endpointId: string,
  input: unknown,
  deps: TestEventDeps,
): Promise<TestEventOutcome> {
  const parsed = testEventInputSchema.safeParse(input ?? {});
  if (!parsed.success) throw new BadRequestError(describeIssues(parsed.error.issues));
  const endpoint = await deps.endpoints.get(tenantId, endpointId);
  if (!endpoint) throw new NotFoundError('endpoint');
  if (!endpoint.enabled) throw new EndpointDisabledError(endpointId);
  const catalog = deps.eventTypes ?? NO_EVENT_TYPES;
  const type =
    parsed.data.type ??
    catalog.types.find((t) => !t.deprecated && matchesFilter(endpoint.filterTypes, t.name))?.name ??
    FALLBACK_TEST_TYPE;
  if (!matchesFilter(endpoint.filterTypes, type))
    throw new BadRequestError(
      `type: this endpoint does not receive ${type} (its filter: ${endpoint.filterTypes.join(', ')}).`,
    );
  const payload =
    parsed.data.payload !== undefined
      ? parsed.data.payload
      : (catalog.types.find((t) => t.name === type)?.example ?? { test: true, endpoint: endpointId });
  const id = deps.newTestId?.() ?? `test_${randomBytes(12).toString('base64url')}`;
  // The same intake as every message, shown this endpoint alone: one delivery, or none if it was disabled meanwhile.
  const only: EndpointStore = {
    listByTenant: async () => [endpoint],
    disable: (t, e, reason, nowMs) => deps.endpoints.disable(t, e, reason, nowMs),
  };
  const outcome = await submitMessage(
    { tenantId, id, type, payload: JSON.stringify(payload) },
    { ...deps, endpoints: only },
  );
  const delivery = outcome.deliveries.find((d) => d.endpointId === endpointId);
  if (!delivery) throw new EndpointDisabledError(endpointId);
  return { message: { id, type }, delivery: deliveryView(delivery) };
}
