/** A signing secret shown once: selectable text and a copy button; it is never stored by the page. */
import { h } from '../dom';

export function secretPanel(secret: string): HTMLElement {
  const value = h('code', { class: 'secret', id: 'secret', tabindex: 0 }, secret);
  const copied = h('span', { class: 'muted', role: 'status' });
  const copy = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        navigator.clipboard?.writeText(secret).then(
          () => (copied.textContent = ' Copied.'),
          () => (copied.textContent = ' Select the text and copy it.'),
        );
      },
    },
    'Copy',
  );
  return h(
    'div',
    { class: 'panel secret-panel', role: 'region', 'aria-label': 'Signing secret' },
    h('p', {}, h('strong', {}, 'Signing secret'), ' (shown once: copy it now)'),
    h('div', { class: 'secret-row' }, value, copy, copied),
  );
}
