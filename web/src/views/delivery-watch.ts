/** Following one delivery until its first attempt (a test event): polled, then shown as the attempt table shows it. */
import { request } from '../api';
import { h } from '../dom';
import type { Attempt, Delivery } from '../types';
import { attemptsTable, deliveryBadge } from './deliveries';

const POLL_MS = 400;
const GIVE_UP_MS = 30_000;

export async function watchDelivery(path: string, out: HTMLElement): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { delivery, attempts } = await request<{ delivery: Delivery; attempts: Attempt[] }>('GET', path);
    if (attempts.length > 0 || delivery.status === 'skipped' || delivery.status === 'exhausted') {
      out.replaceChildren(
        h('p', {}, 'Delivery ', h('code', {}, delivery.deliveryId), ' ', deliveryBadge(delivery.status)),
        attemptsTable(attempts),
      );
      return;
    }
    if (Date.now() - started > GIVE_UP_MS) {
      out.replaceChildren(
        h('p', {}, 'No attempt yet: the delivery is ', deliveryBadge(delivery.status), '. See Deliveries.'),
      );
      return;
    }
    out.replaceChildren(h('p', {}, 'Sent; waiting for the attempt… ', deliveryBadge(delivery.status)));
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
