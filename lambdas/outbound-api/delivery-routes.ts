/** The delivery routes of the outbound API (`/v1/tenants/{tenant}/deliveries…`): thin calls into the core. */
import { BadRequestError } from '../core/kernel/errors';
import { jsonResponse } from '../core/kernel/http';
import { NotFoundError } from '../core/outbound/errors';
import { checkId } from '../core/outbound/ids';
import { DELIVERY_STATUSES, deliveryView, type DeliveryStatus } from '../core/outbound/model';
import { retryDelivery } from '../core/outbound/recovery/retry-delivery';
import { pageQuery, type RouteHandler } from './request';

/** Newest first, a page at a time, filtered by `?endpoint=` and `?status=`: `{deliveries, cursor?}`. */
export const list: RouteHandler = async (r, deps) => {
  const { endpoint, status } = r.query;
  if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus))
    throw new BadRequestError(`status must be one of ${DELIVERY_STATUSES.join(', ')}.`);
  const page = await deps.deliveries.list({
    tenantId: r.ids.tenant!,
    ...(endpoint !== undefined && { endpointId: checkId('endpoint', endpoint) }),
    ...(status !== undefined && { status: status as DeliveryStatus }),
    ...pageQuery(r.query),
  });
  return jsonResponse(200, {
    deliveries: page.items.map(deliveryView),
    ...(page.cursor !== undefined && { cursor: page.cursor }),
  });
};

export const show: RouteHandler = async (r, deps) => {
  const { tenant, delivery } = r.ids as { tenant: string; delivery: string };
  const found = await deps.deliveries.get(tenant, delivery);
  if (!found) throw new NotFoundError('delivery');
  return jsonResponse(200, {
    delivery: deliveryView(found),
    attempts: await deps.deliveries.attempts(tenant, delivery),
  });
};

export const retry: RouteHandler = async (r, deps) =>
  jsonResponse(202, { delivery: deliveryView(await retryDelivery(r.ids.tenant!, r.ids.delivery!, deps)) });
