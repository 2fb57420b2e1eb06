/**
 * `deliveries retry <id>` (`POST /v1/tenants/{tenant}/deliveries/{delivery}/retry`): one `exhausted`, `skipped` or
 * `failed` delivery made due now and woken. Refused like `endpoints recover` when its endpoint is disabled (409
 * `endpoint_disabled`: it would only be skipped again at once), and 404 when the delivery or its endpoint is gone.
 * A `pending` or `delivered` delivery is answered unchanged: there is nothing to retry.
 */
import type { Clock } from '../../kernel/ports';
import { EndpointDisabledError, NotFoundError } from '../errors';
import type { Delivery } from '../model';
import type { DeliveryReader, EndpointRepository, WakeUpQueue } from '../ports';

export interface RetryDeps {
  readonly deliveries: Pick<DeliveryReader, 'get' | 'replay'>;
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  readonly wakeUps: WakeUpQueue;
  readonly now: Clock;
}

export async function retryDelivery(tenantId: string, deliveryId: string, deps: RetryDeps): Promise<Delivery> {
  const current = await deps.deliveries.get(tenantId, deliveryId);
  if (!current) throw new NotFoundError('delivery');
  const endpoint = await deps.endpoints.get(tenantId, current.endpointId);
  if (!endpoint) throw new NotFoundError('endpoint');
  if (!endpoint.enabled) throw new EndpointDisabledError(endpoint.endpointId);
  const replayed = await deps.deliveries.replay(tenantId, deliveryId, deps.now());
  if (!replayed) throw new NotFoundError('delivery');
  if (replayed.status === 'pending') await deps.wakeUps.send([{ tenantId, deliveryId, delaySeconds: 0 }]);
  return replayed;
}
