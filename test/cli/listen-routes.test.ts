/**
 * `listen --stack`'s routes: read from a routing file and the flags, each a subscription filter and a URL; the
 * subscription takes their union, and each event goes to the first route that matches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenRoutes, routeFor, subscriptionPolicy } from '../../cli/lib/listen-routes';
import { matchesFilterPolicy } from '../../local/filter-policy';
import { backoffSeconds } from '../../cli/lib/forwarder';
import { cli } from '../helpers/cli-io';

const dir = mkdtempSync(join(tmpdir(), 'routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (routes: unknown) => {
  const path = join(dir, `r${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(routes));
  return path;
};

describe('listen --stack routes', () => {
  const routes = listenRoutes({
    routesFile: file([
      { forwardTo: 'http://127.0.0.1:8080/invoices', source: ['stripe'], typePrefix: ['invoice.'] },
      { forwardTo: 'http://127.0.0.1:8080/stripe', source: ['stripe'] },
    ]),
    forwardTo: 'http://127.0.0.1:9090/',
    sources: ['github'],
    types: ['push', 'pull_request.*'],
  });

  it("sends an event to the first route that matches it, the flags' route last", () => {
    expect(routeFor(routes, { source: 'stripe', type: 'invoice.paid' })).toBe('http://127.0.0.1:8080/invoices');
    expect(routeFor(routes, { source: 'stripe', type: 'charge.succeeded' })).toBe('http://127.0.0.1:8080/stripe');
    expect(routeFor(routes, { source: 'github', type: 'pull_request.opened' })).toBe('http://127.0.0.1:9090/');
    expect(routeFor(routes, { source: 'github', type: 'issues' })).toBeUndefined();
  });

  it('subscribes with the union of the routes’ filter policies, built as the stack builds a subscription’s', () => {
    expect(subscriptionPolicy(routes)).toEqual({
      replayTarget: [{ exists: false }],
      $or: [
        { source: ['stripe'], type: [{ prefix: 'invoice.' }] },
        { source: ['stripe'] },
        { source: ['github'], type: ['push', { prefix: 'pull_request.' }] },
      ],
    });
  });

  it('subscribes to every event when a route takes every event, and with one policy when there is one route', () => {
    expect(subscriptionPolicy(listenRoutes({ forwardTo: 'http://127.0.0.1:1/' }))).toEqual({
      replayTarget: [{ exists: false }],
    });
    expect(subscriptionPolicy(listenRoutes({ forwardTo: 'http://127.0.0.1:1/', sources: ['stripe'] }))).toEqual({
      source: ['stripe'],
      replayTarget: [{ exists: false }],
    });
  });

  it('takes no replay aimed at one of the stack’s subscriptions, as no other subscription does', () => {
    const policy = subscriptionPolicy(routes);
    expect(matchesFilterPolicy(policy, { source: 'stripe', type: 'invoice.paid' })).toBe(true);
    expect(matchesFilterPolicy(policy, { source: 'stripe', type: 'invoice.paid', replayTarget: 'billing' })).toBe(
      false,
    );
  });

  it('refuses a routing file that is not a list of routes with a URL, naming the field', () => {
    expect(() => listenRoutes({ routesFile: file([{ source: ['stripe'] }]) })).toThrow(/0\.forwardTo/);
    expect(() => listenRoutes({ routesFile: file([{ forwardTo: 'ftp://x/', source: ['stripe'] }]) })).toThrow(
      /forwardTo/,
    );
    expect(() => listenRoutes({ routesFile: file([{ forwardTo: 'http://x/', sorce: ['a'] }]) })).toThrow(/sorce/);
  });

  it('needs somewhere to forward to, and filters only with --forward-to', () => {
    expect(() => listenRoutes({})).toThrow(/--forward-to URL or --routes FILE/);
    expect(() => listenRoutes({ sources: ['stripe'], routesFile: file([{ forwardTo: 'http://x/' }]) })).toThrow(
      /give --forward-to too/,
    );
  });

  it('retries a failed event after 2 s, doubling to a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(backoffSeconds)).toEqual([2, 4, 8, 16, 32, 60, 60]);
  });
});

describe('listen flags', () => {
  it("refuses the local receiver's flags with --stack, and --stack's without it", async () => {
    const local = await cli('listen', '--stack', 'Prod', '--secret', 'whsec_x', '--forward-to', 'http://127.0.0.1:1/');
    expect(local.code).toBe(2);
    expect(local.stderr.join('\n')).toMatch(/--secret is for the local receiver/);
    const deployed = await cli('listen', '--secret', 'whsec_x', '--forward-to', 'http://127.0.0.1:1/');
    expect(deployed.code).toBe(2);
    expect(deployed.stderr.join('\n')).toMatch(/--forward-to needs --stack NAME/);
  });
});
