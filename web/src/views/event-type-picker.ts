/** Picking the event types an endpoint receives: every type (`*`), or some of the catalog's, or patterns typed in. */
import { h } from '../dom';
import type { EventTypeView } from '../types';

export function eventTypePicker(types: readonly EventTypeView[], selected: readonly string[]): HTMLFieldSetElement {
  const all = selected.includes('*');
  const everything = h('input', { type: 'checkbox', id: 'types-all', name: 'all', checked: all });
  const boxes = types.map((t) =>
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        name: 'type',
        value: t.name,
        checked: !all && selected.includes(t.name),
        disabled: all,
      }),
      h(
        'span',
        {},
        h('code', {}, t.name),
        ' ',
        h('span', { class: 'muted' }, t.description),
        t.deprecated ? ' (deprecated)' : '',
      ),
    ),
  );
  const known = new Set(types.map((t) => t.name));
  const other = h('input', {
    id: 'types-other',
    name: 'other',
    value: all ? '' : selected.filter((p) => !known.has(p)).join(', '),
    placeholder: 'invoice.*, order.created',
    disabled: all,
  });
  everything.addEventListener('change', () => {
    for (const input of fieldset.querySelectorAll<HTMLInputElement>('input[name=type], input[name=other]'))
      input.disabled = everything.checked;
  });
  const fieldset = h(
    'fieldset',
    { class: 'types' },
    h('legend', {}, 'Event types'),
    h('label', { class: 'check' }, everything, h('span', {}, 'Every event type')),
    ...boxes,
    h('label', { for: 'types-other' }, 'Other types or patterns (comma-separated)'),
    other,
  );
  return fieldset;
}

/** The filter the picker describes: `['*']`, or the checked types and typed patterns. */
export function readPicker(fieldset: HTMLFieldSetElement): string[] {
  if (fieldset.querySelector<HTMLInputElement>('input[name=all]')!.checked) return ['*'];
  const checked = [...fieldset.querySelectorAll<HTMLInputElement>('input[name=type]:checked')].map((i) => i.value);
  const typed = fieldset
    .querySelector<HTMLInputElement>('input[name=other]')!
    .value.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return [...new Set([...checked, ...typed])];
}
