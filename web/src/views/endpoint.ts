/** One endpoint: its state and health (charts), its settings, and what a tenant can do with it (endpoint-actions.ts). */
import { request, seg, tenantPath, type Scope } from '../api';
import { latencyChart, successChart } from '../charts';
import { badge, duration, focus, h, percent } from '../dom';
import { heading } from '../layout';
import { link } from '../router';
import type { EndpointStatus, EndpointView } from '../types';
import { endpointActions } from './endpoint-actions';

type Window = EndpointStatus['lastHour'];

export async function endpointView(main: HTMLElement, scope: Scope, base: string, id: string): Promise<void> {
  const { endpoint, status } = await request<{ endpoint: EndpointView; status: EndpointStatus }>(
    'GET',
    tenantPath(scope, `endpoints/${seg(id)}/status`),
  );
  const reload = () => endpointView(emptied(main), scope, base, id);
  const h1 = heading(main, endpoint.description || hostOf(endpoint.url));
  main.append(
    h('p', { class: 'url big' }, endpoint.url),
    h('p', { class: 'state' }, stateBadge(status), ' ', h('span', {}, status.state)),
    health(status),
    h('h2', {}, 'Actions'),
    ...(await endpointActions(scope, base, endpoint, reload)),
    settings(endpoint),
  );
  main.append(
    h(
      'p',
      {},
      h('a', { href: link(`${base}/deliveries`, { endpoint: endpoint.endpointId }) }, 'Deliveries to this endpoint →'),
    ),
  );
  focus(h1);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'Endpoint';
  }
}

function emptied(main: HTMLElement): HTMLElement {
  main.replaceChildren();
  return main;
}

function stateBadge(status: EndpointStatus): HTMLElement {
  if (!status.enabled) return badge('disabled', 'bad');
  if (status.circuit.phase === 'open') return badge('circuit open', 'bad');
  if (status.circuit.phase === 'half-open') return badge('circuit half-open', 'warn');
  if (status.health.failingSince !== undefined) return badge('failing', 'warn');
  return badge('healthy', 'ok');
}

function health(status: EndpointStatus): HTMLElement {
  const row = (label: string, w: Window) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      h('td', {}, `${w.attempts}${w.sampled ? '+' : ''}`),
      h('td', {}, percent(w.successRate)),
      h('td', {}, duration(w.p50Ms)),
      h('td', {}, duration(w.p99Ms)),
    );
  const c = status.deliveries;
  return h(
    'section',
    { 'aria-labelledby': 'health-h' },
    h('h2', { id: 'health-h' }, 'Health'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'numbers' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('td', {}),
            h('th', {}, 'Attempts'),
            h('th', {}, 'Success'),
            h('th', {}, 'p50'),
            h('th', {}, 'p99'),
          ),
        ),
        h('tbody', {}, row('Last hour', status.lastHour), row('Last day', status.lastDay)),
      ),
    ),
    h(
      'div',
      { class: 'charts' },
      successChart('Success rate, last hour (5 min)', status.series.lastHour),
      latencyChart('Latency, last hour', status.series.lastHour),
      successChart('Success rate, last day (1 h)', status.series.lastDay),
      latencyChart('Latency, last day', status.series.lastDay),
    ),
    h(
      'p',
      { class: 'muted' },
      `Deliveries: ${c.pending} pending, ${c.parked} parked, ${c.failed} failing, ${c.exhausted} exhausted, ${c.skipped} skipped, ${c.delivered} delivered.`,
    ),
  );
}

function settings(e: EndpointView): HTMLElement {
  const { headerNames } = e;
  const items: [string, string][] = [
    ['Endpoint id', e.endpointId],
    ['Event types', e.filterTypes.join(', ')],
    ['Signing', e.signing.scheme],
    ['Timeout', `${e.timeoutSeconds} s`],
    ['Rate limit', e.rateLimit ? `${e.rateLimit.perSecond}/s (burst ${e.rateLimit.burst})` : 'none'],
    ['Extra headers', headerNames.length ? headerNames.join(', ') : 'none'],
  ];
  return h(
    'section',
    { 'aria-labelledby': 'settings-h' },
    h('h2', { id: 'settings-h' }, 'Settings'),
    h('dl', { class: 'facts' }, ...items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
  );
}
