/** Inbound events as the stack recorded them: newest first, by source and status; one event's record. */
import { consoleApi, request, seg } from '../api';
import { badge, focus, h, jsonBlock, time, table } from '../dom';
import { heading } from '../layout';
import { go, link, type Location } from '../router';

interface EventRecord {
  readonly source: string;
  readonly eventId: string;
  readonly type: string;
  readonly status: string;
  readonly receivedAt: number;
  readonly attempts: number;
  readonly processedAt?: number;
  readonly error?: string;
  /** Present where the archive keeps payloads. */
  readonly payload?: unknown;
}

const STATUSES = ['received', 'enqueued', 'processing', 'completed', 'failed'];
const TONE: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = { completed: 'ok', failed: 'bad', processing: 'warn' };

export async function eventsView(main: HTMLElement, at: Location): Promise<void> {
  const source = at.query.get('source') ?? '';
  const status = at.query.get('status') ?? '';
  const q = new URLSearchParams(Object.entries({ source, status, limit: '200' }).filter(([, v]) => v)).toString();
  const { events } = await request<{ events: EventRecord[] }>('GET', `${consoleApi()}/events?${q}`);
  focus(heading(main, 'Events'));
  const sourceInput = h('input', { id: 'e-source', value: source, placeholder: 'stripe' });
  const statusSelect = h(
    'select',
    { id: 'e-status' },
    h('option', { value: '' }, 'any status'),
    ...STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)),
  );
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    h('label', { for: 'e-source' }, 'Source'),
    sourceInput,
    h('label', { for: 'e-status' }, 'Status'),
    statusSelect,
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/events', { source: sourceInput.value.trim(), status: statusSelect.value });
  });
  main.append(form);
  if (events.length === 0) return void main.append(h('p', { class: 'empty' }, 'No events match.'));
  main.append(
    table(
      [
        h('th', {}, 'Received'),
        h('th', {}, 'Source'),
        h('th', {}, 'Type'),
        h('th', {}, 'Status'),
        h('th', { class: 'wide' }, 'Attempts'),
      ],
      [
        ...events.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: link(`/events/${seg(e.source)}/${seg(e.eventId)}`) }, time(e.receivedAt))),
            h('td', {}, e.source),
            h('td', {}, h('code', {}, e.type)),
            h('td', {}, badge(e.status, TONE[e.status] ?? 'muted')),
            h('td', { class: 'wide' }, String(e.attempts)),
          ),
        ),
      ],
    ),
  );
}

export async function eventView(main: HTMLElement, source: string, id: string): Promise<void> {
  const { event } = await request<{ event: EventRecord }>('GET', `${consoleApi()}/events/${seg(source)}/${seg(id)}`);
  focus(heading(main, `Event ${event.eventId}`));
  const { payload, ...record } = event;
  main.append(
    h(
      'p',
      {},
      badge(event.status, TONE[event.status] ?? 'muted'),
      ` ${event.source} · ${event.type} · received ${time(event.receivedAt)}`,
    ),
    event.error ? h('p', { class: 'error' }, event.error) : '',
    h('h2', {}, 'Record'),
    jsonBlock(record, 'Event record'),
    h('h2', {}, 'Payload'),
    payload !== undefined
      ? jsonBlock(payload, 'Payload')
      : h('p', { class: 'muted' }, 'Payloads are not kept by this stack (no archive).'),
  );
}
