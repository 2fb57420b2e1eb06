/**
 * `messages show <id>` (`GET /v1/tenants/{tenant}/messages/{message}`): a stored message, payload included, with its
 * deliveries (its fan-out, and any replay of it). The deliveries are read from the message's creation on, bounded
 * (`MESSAGE_DELIVERIES`): `complete` is false when the read stopped there, e.g. for an old message whose replays
 * came after many other deliveries of its tenant.
 */
import { NotFoundError } from '../errors';
import { deliveryView, type Delivery, type MessageRecord } from '../model';
import type { DeliveryReader, MessageReader } from '../ports';

/** At most this many deliveries shown, examining at most this many of the tenant's. */
export const MESSAGE_DELIVERIES = { limit: 100, scanLimit: 2000 } as const;

export interface MessageView {
  readonly message: Omit<MessageRecord, 'fingerprint'>;
  readonly deliveries: readonly Delivery[];
  readonly complete: boolean;
}

export async function showMessage(
  tenantId: string,
  messageId: string,
  deps: {
    readonly messages: Pick<MessageReader, 'get'>;
    readonly deliveries: Pick<DeliveryReader, 'messageDeliveries'>;
  },
): Promise<MessageView> {
  const found = await deps.messages.get(tenantId, messageId);
  if (!found) throw new NotFoundError('message');
  const { fingerprint: _fingerprint, ...message } = found;
  const read = await deps.deliveries.messageDeliveries(tenantId, found, MESSAGE_DELIVERIES);
  return { message, deliveries: read.items.map(deliveryView), complete: read.complete };
}
