/**
 * The portal's entry. In `portal` mode (served at /portal) it enters with the session token of its link, shows that
 * tenant's endpoints, deliveries and event types, and says so when the session ends. In `console` mode it shows the
 * stack's inbound and outbound state and any tenant's views: at /console with a console session (deployed, or
 * `portal console` locally), at the local stack's /_local/console without one.
 */
import { ApiError, forgetToken, localConsole, request, takeToken, useToken, type Scope } from './api';
import { fill, focus, h, time } from './dom';
import { frame, sessionLine, type Frame } from './layout';
import { current, match, type Route } from './router';
import { consoleRoutes, consoleNav } from './views/console';
import { tenantRoutes } from './views/tenant-routes';

const root = document.getElementById('app')!;

async function start(): Promise<void> {
  if (document.body.dataset.mode === 'console') return startConsole();
  const token = takeToken();
  useToken(token, ended);
  if (!token) return ended();
  let session: { tenant: string; scope: 'read' | 'write'; expiresAt: string };
  try {
    session = await request('GET', '/portal/api/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    throw error;
  }
  const scope: Scope = { mode: 'portal', tenant: session.tenant, readOnly: session.scope === 'read' };
  const f = frame(root, 'Webhooks', sessionLine(scope, session.expiresAt), [
    { href: '#/endpoints', label: 'Endpoints' },
    { href: '#/deliveries', label: 'Deliveries' },
    { href: '#/event-types', label: 'Event types' },
  ]);
  run(f, tenantRoutes(scope, ''));
}

async function startConsole(): Promise<void> {
  if (localConsole()) {
    const f = frame(root, 'Webhook stack', 'operator console (local)', consoleNav);
    return run(f, consoleRoutes(f));
  }
  const token = takeToken('#/overview');
  useToken(token, ended);
  if (!token) return ended();
  let session: { scope: 'read' | 'write'; expiresAt: string };
  try {
    session = await request('GET', '/console/api/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    throw error;
  }
  const readOnly = session.scope === 'read';
  const line = ['operator console', readOnly ? 'read-only' : undefined, `until ${time(session.expiresAt)}`];
  const f = frame(root, 'Webhook stack', line.filter(Boolean).join(' · '), consoleNav);
  run(f, consoleRoutes(f, readOnly));
}

/** Renders the route of the address, and again whenever it changes. */
function run(f: Frame, routes: readonly Route[]): void {
  const render = async () => {
    const { path, query } = current();
    const found = match(routes, path) ?? match(routes, routes[0]!.pattern)!;
    f.select(path);
    fill(f.main, h('p', { class: 'loading' }, 'Loading…'));
    const main = h('div', {});
    try {
      await found.route.view(main, { path, params: found.params, query });
      fill(f.main, main);
      // Focus moves to the new page (its heading, or the field it asks for first), for keyboard and screen readers.
      const first = main.querySelector<HTMLElement>('[data-autofocus]') ?? main.querySelector<HTMLElement>('h1');
      if (first) focus(first);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      const p = h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
      fill(f.main, p);
      focus(p);
    }
  };
  window.addEventListener('hashchange', () => void render());
  void render();
}

/** The session is missing or over: no data stays on screen, and the token is forgotten. */
function ended(error?: ApiError): void {
  forgetToken();
  const expired = error?.code === 'session_expired';
  fill(
    root,
    h(
      'main',
      { class: 'ended' },
      h('h1', {}, expired ? 'Your session has expired' : 'No session'),
      h(
        'p',
        {},
        document.body.dataset.mode === 'console'
          ? 'Open the console again from a new link: npm run cli -- console open --stack <name>.'
          : 'Open the portal again from the link your provider gives you (links last an hour).',
      ),
    ),
  );
  focus(root.querySelector('h1')!);
}

void start();
