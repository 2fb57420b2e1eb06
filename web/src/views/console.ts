/**
 * The operator console (local stack): inbound sources with their rates and rejections, the queues with their dead
 * letters and redrive, events, and every tenant's endpoints by state, each tenant's pages one click away.
 */
import { consoleApi, request, seg, type Scope } from '../api';
import { sparkline } from '../charts';
import { badge, focus, h, table } from '../dom';
import type { Frame } from '../layout';
import { heading } from '../layout';
import type { Route } from '../router';
import { eventsView, eventView } from './console-events';
import { tenantBar, tenantsView } from './console-tenants';
import { tenantRoutes } from './tenant-routes';

export const consoleNav = [
  { href: '#/overview', label: 'Inbound & queues' },
  { href: '#/events', label: 'Events' },
  { href: '#/tenants', label: 'Tenants' },
];

interface QueueStats {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly deadLetters: number;
}

interface Overview {
  readonly sources: readonly {
    readonly id: string;
    readonly scheme: string;
    readonly requests: { perMinute: number[]; rejectedPerMinute: number[]; outcomes: Record<string, number> };
  }[];
  readonly queues: readonly QueueStats[];
}

/** The console's routes; a read-only session (deployed) sees everything and changes nothing. */
export function consoleRoutes(f: Frame, readOnly = false): Route[] {
  const tenant = (suffix: string): Route => ({
    pattern: `/t/:tenant${suffix}`,
    view: (m, at) => {
      const scope: Scope = { mode: 'console', tenant: at.params.tenant!, readOnly };
      const base = `/t/${seg(scope.tenant)}`;
      m.append(tenantBar(scope, base));
      return tenantRoutes(scope, base)
        .find((r) => r.pattern === `${base}${suffix}`)!
        .view(m, at);
    },
  });
  return [
    { pattern: '/overview', view: (m) => overviewView(m, f, readOnly) },
    { pattern: '/events', view: (m, at) => eventsView(m, at) },
    { pattern: '/events/:source/:event', view: (m, at) => eventView(m, at.params.source!, at.params.event!) },
    { pattern: '/tenants', view: (m) => tenantsView(m) },
    ...[
      '/endpoints',
      '/endpoints/new',
      '/endpoints/:endpoint',
      '/deliveries',
      '/deliveries/:delivery',
      '/event-types',
    ].map(tenant),
  ];
}

const total = (s: Overview['sources'][number]) => s.requests.perMinute.reduce((a, b) => a + b, 0);

async function overviewView(main: HTMLElement, f: Frame, readOnly: boolean): Promise<void> {
  const o = await request<Overview>('GET', `${consoleApi()}/overview`);
  focus(heading(main, 'Inbound sources'));
  main.append(
    h(
      'div',
      { class: 'cards' },
      // Sources with traffic first, then by name.
      ...[...o.sources]
        .sort((a, b) => total(b) - total(a) || a.id.localeCompare(b.id))
        .map((s) => {
          const total = s.requests.perMinute.reduce((a, b) => a + b, 0);
          const rejected = Object.entries(s.requests.outcomes).filter(([k]) => k.startsWith('rejected:'));
          return h(
            'section',
            { class: 'card', 'aria-labelledby': `src-${s.id}` },
            h('h2', { id: `src-${s.id}` }, s.id, ' ', h('span', { class: 'muted small' }, s.scheme)),
            sparkline('Requests per minute, last hour', s.requests.perMinute, 'requests'),
            h(
              'p',
              { class: 'small' },
              `${total} requests`,
              ...Object.entries(s.requests.outcomes)
                .filter(([k]) => !k.startsWith('rejected:'))
                .map(([k, n]) => ` · ${n} ${k}`),
            ),
            rejected.length
              ? h(
                  'p',
                  { class: 'small' },
                  badge(`${rejected.reduce((n, [, c]) => n + c, 0)} rejected`, 'bad'),
                  ...rejected.map(([k, n]) => ` ${k.slice(9)} ${n}`),
                )
              : h('p', { class: 'small muted' }, 'no rejections'),
          );
        }),
    ),
  );
  main.append(
    h('h2', {}, 'Queues'),
    queuesTable(o.queues, f, readOnly, () => overviewView(emptied(main), f, readOnly)),
  );
}

function emptied(main: HTMLElement): HTMLElement {
  main.replaceChildren();
  return main;
}

function queuesTable(
  queues: readonly QueueStats[],
  f: Frame,
  readOnly: boolean,
  reload: () => Promise<void>,
): HTMLElement {
  const letters = h('div', { 'aria-live': 'polite' });
  // Locally the move is done when it answers; deployed, SQS's move task may still be running (it says `running`).
  const redrive = (q: QueueStats) =>
    request<{ status: string; moved?: number }>('POST', `${consoleApi()}/queues/${seg(q.name)}/redrive`).then(
      (r) =>
        reload().then(() =>
          f.notify(
            r.moved === undefined
              ? `Redrive of ${q.name}: ${r.status}.`
              : `Redrive of ${q.name}: ${r.moved} message${r.moved === 1 ? '' : 's'} moved back to the queue${r.status === 'running' ? ' so far' : ''}.`,
          ),
        ),
      (e: Error) => f.notify(e.message, 'bad'),
    );
  const actions = (q: QueueStats) =>
    q.deadLetters === 0
      ? ''
      : h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', onclick: () => void showLetters(q.name, letters) }, 'Show'),
          ...(readOnly ? [] : [h('button', { type: 'button', onclick: () => void redrive(q) }, `Redrive ${q.name}`)]),
        );
  const head = ['Queue', 'Waiting', 'In flight', 'Dead letters', ''].map((c) => h('th', {}, c));
  const rows = queues.map((q) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, q.name),
      h('td', {}, String(q.visible)),
      h('td', {}, String(q.inFlight)),
      h('td', {}, q.deadLetters > 0 ? badge(String(q.deadLetters), 'bad') : '0'),
      h('td', {}, actions(q)),
    ),
  );
  return h('div', {}, table(head, rows), letters);
}

async function showLetters(queue: string, out: HTMLElement): Promise<void> {
  const { deadLetters } = await request<{
    deadLetters: { id: string; eventId?: string; type?: string; receiveCount: number; bytes: number }[];
  }>('GET', `${consoleApi()}/dead-letters/${seg(queue)}`);
  out.replaceChildren(
    h('h3', {}, `Dead letters of ${queue}`),
    h(
      'ul',
      { class: 'letters' },
      ...deadLetters.map((d) =>
        h(
          'li',
          {},
          h('code', {}, d.eventId ?? d.id),
          ` ${d.type ?? ''} · ${d.receiveCount} receives · ${d.bytes} bytes`,
        ),
      ),
    ),
  );
}
