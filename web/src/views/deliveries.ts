/** Deliveries: the list (filtered by status, event type and endpoint) and one delivery with its attempts (retry). */
import { request, seg, tenantPath, type Scope } from '../api';
import { badge, duration, focus, h, jsonBlock, time, table } from '../dom';
import { heading } from '../layout';
import { go, link, type Location } from '../router';
import type { Attempt, Delivery } from '../types';

const STATUSES = ['pending', 'delivered', 'failed', 'exhausted', 'skipped'] as const;
const TONE = { delivered: 'ok', pending: 'muted', failed: 'warn', exhausted: 'bad', skipped: 'muted' } as const;

export function deliveryBadge(status: Delivery['status']): HTMLElement {
  return badge(status, TONE[status]);
}

type Listed = Delivery & { readonly type?: string };

export async function deliveriesView(main: HTMLElement, scope: Scope, base: string, at: Location): Promise<void> {
  const status = at.query.get('status') ?? '';
  const type = at.query.get('type') ?? '';
  const endpoint = at.query.get('endpoint') ?? '';
  const query = new URLSearchParams(
    Object.entries({ status, endpoint, type, limit: '100' }).filter(([, v]) => v !== ''),
  ).toString();
  const { deliveries } = await request<{ deliveries: Listed[] }>('GET', `${tenantPath(scope, 'deliveries')}?${query}`);
  focus(heading(main, 'Deliveries'));
  const statusSelect = h(
    'select',
    { id: 'f-status', name: 'status' },
    h('option', { value: '' }, 'any status'),
    ...STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)),
  );
  const typeInput = h('input', { id: 'f-type', name: 'type', value: type, placeholder: 'invoice.paid' });
  const filters = h(
    'form',
    { class: 'filters', role: 'search' },
    h('label', { for: 'f-status' }, 'Status'),
    statusSelect,
    h('label', { for: 'f-type' }, 'Event type'),
    typeInput,
    endpoint ? h('span', { class: 'muted' }, `endpoint ${endpoint}`) : '',
    h('button', { type: 'submit' }, 'Filter'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    go(`${base}/deliveries`, { status: statusSelect.value, type: typeInput.value.trim(), endpoint });
  });
  main.append(filters);
  // The type filter applies here while the API does not take one; a delivery without its type is shown.
  const shown = type ? deliveries.filter((d) => d.type === undefined || d.type === type) : deliveries;
  if (shown.length === 0) {
    main.append(h('p', { class: 'empty' }, 'No deliveries match.'));
    return;
  }
  main.append(
    table(
      [
        h('th', {}, 'Created'),
        h('th', {}, 'Message'),
        h('th', { class: 'wide' }, 'Endpoint'),
        h('th', {}, 'Status'),
        h('th', {}, 'Attempts'),
      ],
      [
        ...shown.map((d) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: link(`${base}/deliveries/${seg(d.deliveryId)}`) }, time(d.createdAt))),
            h('td', {}, d.type ? h('code', {}, d.type) : '', ' ', h('span', { class: 'muted small' }, d.messageId)),
            h('td', { class: 'wide' }, d.endpointId),
            h('td', {}, deliveryBadge(d.status)),
            h('td', {}, String(d.attemptCount)),
          ),
        ),
      ],
    ),
  );
}

export async function deliveryView(main: HTMLElement, scope: Scope, base: string, id: string): Promise<void> {
  const path = tenantPath(scope, `deliveries/${seg(id)}`);
  const { delivery, attempts } = await request<{ delivery: Listed; attempts: Attempt[] }>('GET', path);
  const retry = scope.readOnly
    ? undefined
    : h(
        'button',
        {
          type: 'button',
          onclick: () =>
            request('POST', `${path}/retry`).then(
              () => deliveryView(emptied(main), scope, base, id),
              (e: Error) => main.append(h('p', { class: 'error', role: 'alert' }, e.message)),
            ),
        },
        'Retry now',
      );
  focus(heading(main, 'Delivery', ...(retry ? [retry] : [])));
  const facts: [string, Node | string][] = [
    ['Status', deliveryBadge(delivery.status)],
    ['Message', delivery.type ? `${delivery.messageId} (${delivery.type})` : delivery.messageId],
    ['Endpoint', h('a', { href: link(`${base}/endpoints/${seg(delivery.endpointId)}`) }, delivery.endpointId)],
    ['Created', time(delivery.createdAt)],
    ['Next attempt', delivery.nextAttemptAt ? time(delivery.nextAttemptAt) : '–'],
    ...(delivery.skipReason ? [['Skipped because', delivery.skipReason] as [string, string]] : []),
  ];
  main.append(
    h('p', { class: 'muted' }, h('code', {}, delivery.deliveryId)),
    h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h2', {}, 'Attempts'),
    attemptsTable(attempts),
  );
}

function emptied(main: HTMLElement): HTMLElement {
  main.replaceChildren();
  return main;
}

/** Each attempt: when, the answer (status or error), latency, and the response body as the receiver sent it. */
export function attemptsTable(attempts: readonly Attempt[]): HTMLElement {
  if (attempts.length === 0) return h('p', { class: 'empty' }, 'No attempt yet.');
  return h(
    'ol',
    { class: 'attempts' },
    ...attempts.map((a) =>
      h(
        'li',
        { class: 'attempt' },
        h(
          'p',
          {},
          h('strong', {}, `#${a.number}`),
          ' ',
          time(a.at),
          ' · ',
          a.status !== undefined
            ? badge(`HTTP ${a.status}`, a.status >= 200 && a.status < 300 ? 'ok' : 'bad')
            : badge(a.error ?? 'no response', 'bad'),
          ` · ${duration(a.latencyMs)}`,
          a.probe ? ' · probe' : '',
        ),
        a.errorDetail ? h('p', { class: 'muted' }, a.errorDetail) : '',
        a.responseBody !== undefined
          ? jsonBlock(a.responseBody + (a.responseBodyTruncated ? '\n… (truncated)' : ''), 'Response body')
          : '',
      ),
    ),
  );
}
