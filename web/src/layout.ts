/** The page's frame: header (who and what this session is), navigation, the main region and a status line. */
import type { Scope } from './api';
import { fill, focus, h, time } from './dom';

export interface Frame {
  readonly main: HTMLElement;
  /** Announces a result (`role=status`, read by screen readers) and shows it until the next one. */
  notify(text: string, tone?: 'ok' | 'bad'): void;
  /** Marks the navigation link of the current page. */
  select(path: string): void;
}

export function frame(
  root: HTMLElement,
  title: string,
  subtitle: string,
  nav: readonly { readonly href: string; readonly label: string }[],
): Frame {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const links = nav.map((n) => h('a', { href: n.href }, n.label));
  const main = h('main', { id: 'main', tabindex: -1 });
  fill(
    root,
    h('a', { class: 'skip', href: '#main', onclick: (e) => (e.preventDefault(), focus(main)) }, 'Skip to content'),
    h(
      'header',
      {},
      h('div', { class: 'brand' }, h('strong', {}, title), h('span', { class: 'muted' }, subtitle)),
      h('nav', { 'aria-label': 'Sections' }, ...links),
    ),
    status,
    main,
  );
  return {
    main,
    notify(text, tone = 'ok') {
      status.className = `status ${tone}`;
      status.textContent = text;
    },
    select(path) {
      for (const a of links) {
        const target = a.getAttribute('href')!.slice(1).split('?')[0]!;
        if (path === target || path.startsWith(`${target}/`)) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
  };
}

/** The portal's subtitle: tenant, and whether the session is read-only, and until when it lasts. */
export function sessionLine(scope: Scope, expiresAt?: string): string {
  return [`tenant ${scope.tenant}`, scope.readOnly ? 'read-only' : undefined, expiresAt && `until ${time(expiresAt)}`]
    .filter(Boolean)
    .join(' · ');
}

/** A page heading, focused so keyboard and screen reader users land on the new page. */
export function heading(main: HTMLElement, text: string, ...actions: Node[]): HTMLHeadingElement {
  const h1 = h('h1', {}, text);
  main.append(
    h('div', { class: 'page-head' }, h1, ...(actions.length ? [h('div', { class: 'actions' }, ...actions)] : [])),
  );
  return h1;
}
