/** Realistic Stripe-shaped JSON events of a given size, for the handler benchmark. */

/**
 * A Stripe `invoice.paid` event padded with line items until its UTF-8 size reaches `bytes`
 * (within one line item, ~170 bytes). Many small fields, as real payloads have, rather than one
 * long string: `JSON.parse` cost depends on structure, not only on length.
 */
export function stripeEvent(id: string, bytes: number): string {
  const lines: unknown[] = [];
  const event = {
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: 1_795_000_000,
    type: 'invoice.paid',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: `in_${id.slice(4)}`,
        object: 'invoice',
        amount_due: 1234,
        amount_paid: 1234,
        currency: 'usd',
        customer: 'cus_Q2w3E4r5T6y7U8',
        status: 'paid',
        lines: { object: 'list', data: lines, has_more: false },
      },
    },
  };
  let text = JSON.stringify(event);
  for (let n = 0; Buffer.byteLength(text) < bytes; n++) {
    lines.push({
      id: `il_${n.toString(36).padStart(8, '0')}`,
      object: 'line_item',
      amount: 100 + n,
      currency: 'usd',
      description: `1 x Widget (tier ${n % 7})`,
      period: { start: 1_795_000_000, end: 1_797_592_000 },
      quantity: 1,
    });
    text = JSON.stringify(event);
  }
  return text;
}
