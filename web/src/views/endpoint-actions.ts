/**
 * What a tenant does with one endpoint, each in a disclosure (`<details>`, keyboard-operable as it is): send a test
 * event and watch its attempt, disable or enable, rotate the secret (shown once), recover after an outage, edit,
 * delete. A read-only session gets none of them.
 */
import { matchesFilter } from '../../../lambdas/core/outbound/event-filter';
import { globalPath, request, seg, tenantPath, type Scope } from '../api';
import { focus, h, jsonBlock } from '../dom';
import { go } from '../router';
import type { EndpointView, EventTypeView } from '../types';
import { watchDelivery } from './delivery-watch';
import { eventTypePicker, readPicker } from './event-type-picker';
import { secretPanel } from './secret';

export async function endpointActions(
  scope: Scope,
  base: string,
  e: EndpointView,
  reload: () => Promise<void>,
): Promise<HTMLElement[]> {
  if (scope.readOnly) return [h('p', { class: 'muted' }, 'Read-only session: nothing here can be changed.')];
  const { eventTypes } = await request<{ eventTypes: EventTypeView[] }>('GET', globalPath(scope, 'event-types'));
  const path = tenantPath(scope, `endpoints/${seg(e.endpointId)}`);
  return [
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            request('PATCH', path, { enabled: !e.enabled }).then(reload, (x: Error) => alertIn(x, document.body)),
        },
        e.enabled ? 'Disable' : 'Enable',
      ),
    ),
    e.enabled ? testEvent(path, e, eventTypes) : h('p', { class: 'muted' }, 'Enable the endpoint to send it events.'),
    rotate(path),
    recover(path, e),
    edit(path, e, eventTypes, reload),
    remove(path, base),
  ];
}

function disclosure(title: string, ...body: Node[]): HTMLDetailsElement {
  return h('details', { class: 'panel' }, h('summary', {}, title), ...body);
}

function alertIn(error: Error, where: HTMLElement): void {
  const p = h('p', { class: 'error', role: 'alert' }, error.message);
  where.append(p);
  focus(p);
}

function testEvent(path: string, e: EndpointView, types: readonly EventTypeView[]): HTMLElement {
  const receivable = types.filter((t) => !t.deprecated && matchesFilter(e.filterTypes, t.name));
  const select = h('select', { id: 'test-type' }, ...receivable.map((t) => h('option', { value: t.name }, t.name)));
  const example = h('div', {});
  const showExample = () => {
    const t = receivable.find((x) => x.name === select.value);
    example.replaceChildren(
      ...(t ? [h('p', { class: 'muted' }, t.description), jsonBlock(t.example, 'Example payload')] : []),
    );
  };
  select.addEventListener('change', showExample);
  showExample();
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const send = h('button', { type: 'button', class: 'primary' }, 'Send test event');
  send.addEventListener('click', () => {
    send.disabled = true;
    result.replaceChildren(h('p', {}, 'Sending…'));
    request<{ delivery: { deliveryId: string }; message: { id: string; type: string } }>(
      'POST',
      `${path}/test`,
      receivable.length ? { type: select.value } : {},
    )
      .then((sent) =>
        watchDelivery(path.replace(/endpoints\/[^/]+$/, `deliveries/${seg(sent.delivery.deliveryId)}`), result),
      )
      .catch((x: Error) => alertIn(x, result))
      .finally(() => (send.disabled = false));
  });
  return disclosure(
    'Send a test event',
    ...(receivable.length
      ? [h('label', { for: 'test-type' }, 'Event type'), select, example]
      : [h('p', { class: 'muted' }, 'A test event of type webhook.test will be sent.')]),
    h('div', { class: 'actions' }, send),
    result,
  );
}

function rotate(path: string): HTMLElement {
  const out = h('div', {});
  const button = h('button', { type: 'button' }, 'Rotate the secret');
  button.addEventListener('click', () => {
    if (!confirm('Rotate the signing secret? The old one keeps signing for 24 hours.')) return;
    request<{ secret: string }>('POST', `${path}/rotate-secret`).then(
      ({ secret }) => {
        out.replaceChildren(h('p', {}, 'New secret (the previous one also signs for 24 hours):'), secretPanel(secret));
        focus(out.querySelector<HTMLElement>('#secret')!);
      },
      (x: Error) => alertIn(x, out),
    );
  });
  return disclosure('Signing secret', h('p', {}, 'The secret is shown only when it is made.'), button, out);
}

function recover(path: string, e: EndpointView): HTMLElement {
  const since = h('input', { id: 'recover-since', type: 'datetime-local', required: true });
  since.value = new Date(Date.now() - 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const out = h('div', { 'aria-live': 'polite' });
  const go_ = h('button', { type: 'button' }, 'Recover');
  go_.addEventListener('click', () => {
    const when = new Date(since.value);
    if (Number.isNaN(when.getTime())) return alertIn(new Error('Pick a time.'), out);
    request<{ queued: number; notRecoverable: number }>('POST', `${path}/recover`, { since: when.toISOString() }).then(
      (r) =>
        out.replaceChildren(
          h('p', { class: 'ok' }, `${r.queued} deliveries sent again (${r.notRecoverable} not to be resent).`),
        ),
      (x: Error) => alertIn(x, out),
    );
  });
  return disclosure(
    'Recover after an outage',
    h('p', {}, `Send again every delivery to ${e.url} that failed or was skipped since:`),
    h('label', { for: 'recover-since' }, 'Since (your time zone)'),
    since,
    h('div', { class: 'actions' }, go_),
    out,
  );
}

function edit(
  path: string,
  e: EndpointView,
  types: readonly EventTypeView[],
  reload: () => Promise<void>,
): HTMLElement {
  const url = h('input', { id: 'edit-url', type: 'url', value: e.url, required: true });
  const description = h('input', { id: 'edit-description', value: e.description });
  const picker = eventTypePicker(types, e.filterTypes);
  const out = h('div', {});
  const form = h(
    'form',
    { class: 'form' },
    h('label', { for: 'edit-url' }, 'URL'),
    url,
    h('label', { for: 'edit-description' }, 'Description'),
    description,
    picker,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save')),
    out,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    request('PATCH', path, {
      url: url.value.trim(),
      description: description.value,
      filterTypes: readPicker(picker),
    }).then(reload, (x: Error) => alertIn(x, out));
  });
  return disclosure('Edit', form);
}

function remove(path: string, base: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'danger' }, 'Delete this endpoint');
  button.addEventListener('click', () => {
    if (!confirm('Delete this endpoint? It stops receiving events at once.')) return;
    request('DELETE', path).then(
      () => go(`${base}/endpoints`),
      (x: Error) => alertIn(x, button.parentElement!),
    );
  });
  return disclosure('Delete', h('p', {}, 'Deliveries already made stay in the log.'), button);
}
