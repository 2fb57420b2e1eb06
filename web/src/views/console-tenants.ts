/** Every tenant's endpoints by state (a bar per state), each tenant's pages, and a portal link for a tenant. */
import { consoleApi, request, seg, tenantPath, type Scope } from '../api';
import { badge, focus, h, table } from '../dom';
import { heading } from '../layout';
import { link } from '../router';
import type { PortalSessionView } from '../types';

interface Row {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly url: string;
  readonly description: string;
  readonly state: 'healthy' | 'failing' | 'circuit open' | 'circuit half-open' | 'disabled';
  readonly disabledReason?: string;
}

const TONE = {
  healthy: 'ok',
  failing: 'warn',
  'circuit half-open': 'warn',
  'circuit open': 'bad',
  disabled: 'bad',
} as const;

export async function tenantsView(main: HTMLElement): Promise<void> {
  const census = await request<{ endpoints: Row[]; complete: boolean; scanned: number }>(
    'GET',
    `${consoleApi()}/endpoints`,
  );
  const { endpoints } = census;
  focus(heading(main, 'Endpoints of every tenant'));
  if (!census.complete)
    main.append(
      h(
        'p',
        { class: 'muted', role: 'status' },
        `Only the endpoints among the first ${census.scanned.toLocaleString('en')} items of the outbound table are shown: the read stops there. A tenant's own pages list all of its endpoints.`,
      ),
    );
  if (endpoints.length === 0) return void main.append(h('p', { class: 'empty' }, 'No tenant has an endpoint yet.'));
  const byState = Object.keys(TONE).map((state) => [state, endpoints.filter((e) => e.state === state).length] as const);
  main.append(
    h(
      'ul',
      { class: 'state-bars', 'aria-label': 'Endpoints by state' },
      ...byState.map(([state, n]) =>
        h(
          'li',
          {},
          h('span', { class: `fill ${TONE[state as Row['state']]}`, 'data-share': String(n / endpoints.length) }),
          `${state}: ${n}`,
        ),
      ),
    ),
  );
  for (const bar of main.querySelectorAll<HTMLElement>('.state-bars .fill'))
    bar.style.width = `${Number(bar.dataset.share) * 100}%`;
  main.append(
    table(
      [h('th', {}, 'Tenant'), h('th', {}, 'Endpoint'), h('th', { class: 'wide' }, 'URL'), h('th', {}, 'State')],
      [
        ...endpoints.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: link(`/t/${seg(e.tenantId)}/endpoints`) }, e.tenantId)),
            h(
              'td',
              {},
              h(
                'a',
                { href: link(`/t/${seg(e.tenantId)}/endpoints/${seg(e.endpointId)}`) },
                e.description || e.endpointId,
              ),
            ),
            h('td', { class: 'wide url' }, e.url),
            h(
              'td',
              {},
              badge(e.state, TONE[e.state]),
              e.disabledReason ? h('span', { class: 'muted small' }, ` ${e.disabledReason}`) : '',
            ),
          ),
        ),
      ],
    ),
  );
}

/** The bar above a tenant's pages in the console: its sections, and a portal link to hand the tenant. */
export function tenantBar(scope: Scope, base: string): HTMLElement {
  const { tenant } = scope;
  const out = h('span', { 'aria-live': 'polite' });
  const open = h('button', { type: 'button' }, 'Portal link');
  open.addEventListener('click', () => {
    request<PortalSessionView>('POST', tenantPath(scope, 'portal-sessions'), {}).then(
      (s) =>
        out.replaceChildren(
          ' ',
          h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, `portal as ${tenant} (1 h)`),
        ),
      (e: Error) => out.replaceChildren(` ${e.message}`),
    );
  });
  return h(
    'nav',
    { class: 'tenant-bar', 'aria-label': `Tenant ${tenant}` },
    h('strong', {}, `Tenant ${tenant}`),
    h('a', { href: `#${base}/endpoints` }, 'Endpoints'),
    h('a', { href: `#${base}/deliveries` }, 'Deliveries'),
    h('a', { href: `#${base}/event-types` }, 'Event types'),
    // A read-only console opens no portal (a link acts for the tenant).
    ...(scope.readOnly ? [] : [open, out]),
  );
}
