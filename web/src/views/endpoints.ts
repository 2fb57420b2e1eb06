/** The endpoints list and the form that adds one (the secret is shown once, right after). */
import { request, tenantPath, globalPath, seg, type Scope } from '../api';
import { badge, fill, focus, h, table } from '../dom';
import { heading } from '../layout';
import { link } from '../router';
import type { EndpointView, EventTypeView } from '../types';
import { eventTypePicker, readPicker } from './event-type-picker';
import { secretPanel } from './secret';

export function endpointState(e: Pick<EndpointView, 'enabled' | 'disabledReason'>): HTMLElement {
  return e.enabled ? badge('enabled', 'ok') : badge('disabled', 'bad');
}

export async function endpointsView(main: HTMLElement, scope: Scope, base: string): Promise<void> {
  const { endpoints } = await request<{ endpoints: EndpointView[] }>('GET', tenantPath(scope, 'endpoints'));
  const add = scope.readOnly ? undefined : h('a', { class: 'button', href: `#${base}/endpoints/new` }, 'Add endpoint');
  focus(heading(main, 'Endpoints', ...(add ? [add] : [])));
  if (endpoints.length === 0) {
    main.append(
      h('p', { class: 'empty' }, 'No endpoints yet.', scope.readOnly ? '' : ' Add one to start receiving events.'),
    );
    return;
  }
  main.append(
    table(
      [h('th', {}, 'URL'), h('th', {}, 'Description'), h('th', { class: 'wide' }, 'Events'), h('th', {}, 'State')],
      [
        ...endpoints.map((e) =>
          h(
            'tr',
            {},
            h('td', { class: 'url' }, h('a', { href: link(`${base}/endpoints/${seg(e.endpointId)}`) }, e.url)),
            h('td', {}, e.description || '–'),
            h('td', { class: 'wide' }, e.filterTypes.join(', ')),
            h(
              'td',
              {},
              endpointState(e),
              e.disabledReason ? h('span', { class: 'muted small' }, ` ${e.disabledReason}`) : '',
            ),
          ),
        ),
      ],
    ),
  );
}

export async function newEndpointView(main: HTMLElement, scope: Scope, base: string): Promise<void> {
  const { eventTypes } = await request<{ eventTypes: EventTypeView[] }>('GET', globalPath(scope, 'event-types'));
  focus(heading(main, 'Add an endpoint'));
  const url = h('input', {
    id: 'url',
    name: 'url',
    type: 'url',
    required: true,
    placeholder: 'https://example.com/webhooks',
    autocomplete: 'off',
    'data-autofocus': true,
  });
  const description = h('input', { id: 'description', name: 'description', maxlength: 1024 });
  const picker = eventTypePicker(eventTypes, ['*']);
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    h('label', { for: 'url' }, 'URL'),
    url,
    h('label', { for: 'description' }, 'Description'),
    description,
    picker,
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Add endpoint'),
      h('a', { href: `#${base}/endpoints` }, 'Cancel'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const body = { url: url.value.trim(), description: description.value, filterTypes: readPicker(picker) };
    request<{ endpoint: EndpointView; secret: string }>('POST', tenantPath(scope, 'endpoints'), body).then(
      ({ endpoint, secret }) => {
        fill(main);
        focus(heading(main, 'Endpoint added'));
        main.append(
          h(
            'p',
            {},
            'Events for ',
            h('strong', {}, endpoint.url),
            ' are signed with this secret. Verify each request with it.',
          ),
          secretPanel(secret),
          h(
            'p',
            {},
            h(
              'a',
              { class: 'button', href: `#${base}/endpoints/${seg(endpoint.endpointId)}` },
              'I have saved it: show the endpoint',
            ),
          ),
        );
      },
      (e: Error) => {
        error.textContent = e.message;
        focus(error);
      },
    );
  });
  main.append(form);
}
