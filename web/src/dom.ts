/**
 * Building the page: elements are made with `h()` and text is always set as text (`textContent`), never parsed as
 * HTML, so a tenant's string (an endpoint description, a response body) cannot become markup. Nothing in the front
 * end assigns `innerHTML`; a test greps for it.
 */

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** `h('a', { href: '#/x', class: 'link' }, 'text', h('span', {}, 'more'))`: attributes set as attributes, children as text or nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** A table in its scrolling wrapper: `head` the header row's cells (`th`), `rows` the body's rows (`tr`). */
export function table(head: readonly Child[], rows: readonly Child[], attrs: Attrs = {}): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', attrs, h('thead', {}, h('tr', {}, ...head)), h('tbody', {}, ...rows)),
  );
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, attributes and children as for `h()`. */
export function s(tag: string, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  append(el, children);
  return el;
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** `2026-12-02 06:56:12` in the browser's zone, from epoch ms or ISO text. */
export function time(value: number | string | undefined): string {
  if (value === undefined) return '–';
  const d = new Date(value);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `84 ms`, `1.2 s`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function percent(rate: number | undefined): string {
  return rate === undefined ? '–' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)} %`;
}

/** A status pill: its class says how it should look (`ok`, `warn`, `bad`, `muted`). */
export function badge(label: string, tone: 'ok' | 'warn' | 'bad' | 'muted'): HTMLSpanElement {
  return h('span', { class: `badge ${tone}` }, label);
}

/** JSON shown as text in a `<pre>`, pretty when it parses. */
export function jsonBlock(value: unknown, label?: string): HTMLPreElement {
  let text: string;
  if (typeof value === 'string') {
    try {
      text = JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      text = value;
    }
  } else text = JSON.stringify(value, null, 2);
  return h('pre', { class: 'json', tabindex: 0, 'aria-label': label }, text);
}

/** Puts keyboard focus on `el` (a heading gets tabindex -1 so it can take it), for screen readers after a change. */
export function focus(el: HTMLElement): void {
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) el.tabIndex = -1;
  el.focus();
}
