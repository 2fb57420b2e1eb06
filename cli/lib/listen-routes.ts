/**
 * Where `listen --stack` forwards each event: routes, each a subscription filter (the shape a subscription's
 * `filter` has in config/sources.ts: `source`, `type`, `typePrefix`) and a `forwardTo` URL, read from a routing file
 * and/or the flags (`--forward-to` with `--source` and `--type`, the last route). An event goes to the first route
 * whose filter matches. The temporary queue's subscription takes the union of the routes' filter policies, built
 * with the stack's own `buildFilterPolicy` and matched with the local stack's SNS evaluator, so what is subscribed
 * and what is routed cannot disagree.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { REPLAY_ATTRIBUTES } from '../../lambdas/contract';
import { formatIssues } from '../../lambdas/core/kernel/config-parse';
import {
  buildFilterPolicy,
  filterCombinations,
  MAX_FILTER_COMBINATIONS,
  subscriptionFilterShape,
  type FilterPolicy as AttributePolicy,
} from '../../lambdas/core/inbound/subscription-filter';
import { matchesFilterPolicy, type FilterPolicy } from '../../local/filter-policy';
import { UsageError } from '../command';

const routeShape = z.extend(subscriptionFilterShape, {
  /** Where matching events are POSTed. */
  forwardTo: z.url({ protocol: /^https?$/ }),
});
const routesShape = z.array(routeShape).check(z.minLength(1, 'expected at least one route'));

export type ListenRoute = z.output<typeof routeShape>;

/** The routes: the file's in order, then the flags' (`--forward-to` with `--source`/`--type`) if given. */
export function listenRoutes(options: {
  readonly routesFile?: string | undefined;
  readonly forwardTo?: string | undefined;
  readonly sources?: readonly string[] | undefined;
  readonly types?: readonly string[] | undefined;
}): ListenRoute[] {
  const routes: ListenRoute[] = [];
  if (options.routesFile !== undefined) routes.push(...readRoutes(options.routesFile));
  const filtered = (options.sources?.length ?? 0) > 0 || (options.types?.length ?? 0) > 0;
  if (options.forwardTo !== undefined) {
    const types = options.types ?? [];
    const flagRoute = routeShape.safeParse({
      forwardTo: options.forwardTo,
      ...(options.sources?.length && { source: [...options.sources] }),
      ...(types.some((t) => !t.endsWith('*')) && { type: types.filter((t) => !t.endsWith('*')) }),
      ...(types.some((t) => t.endsWith('*')) && {
        typePrefix: types.filter((t) => t.endsWith('*')).map((t) => t.slice(0, -1)),
      }),
    });
    if (!flagRoute.success) throw new UsageError(`--forward-to: ${formatIssues(flagRoute.error)}`);
    routes.push(flagRoute.data);
  } else if (filtered)
    throw new UsageError('--source and --type filter what --forward-to receives: give --forward-to too');
  if (routes.length === 0) throw new UsageError('listen --stack needs --forward-to URL or --routes FILE');
  return routes;
}

function readRoutes(file: string): ListenRoute[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--routes ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = routesShape.safeParse(json);
  if (!parsed.success) throw new UsageError(`--routes ${file}:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** A route's filter policy; undefined when it takes every event. */
const policyOf = (route: ListenRoute) =>
  buildFilterPolicy({ source: route.source, type: route.type, typePrefix: route.typePrefix });

/**
 * The subscription's filter policy: the union of the routes' (`$or`), and, as every subscription of the stack has
 * (subscriptionFilterPolicy), no replay aimed at one of the stack's subscriptions. Refused when SNS would refuse it
 * (over 150 value combinations).
 */
export function subscriptionPolicy(routes: readonly ListenRoute[]): FilterPolicy {
  const notAimedElsewhere = { [REPLAY_ATTRIBUTES.target]: [{ exists: false }] };
  const policies = routes.map(policyOf);
  if (policies.some((p) => p === undefined)) return notAimedElsewhere;
  const distinct = [...new Map(policies.map((p) => [JSON.stringify(p), p as AttributePolicy])).values()];
  const combinations = distinct.reduce((sum, p) => sum + filterCombinations(p), 0);
  if (combinations > MAX_FILTER_COMBINATIONS)
    throw new UsageError(`the routes make ${combinations} filter combinations, over SNS's ${MAX_FILTER_COMBINATIONS}`);
  return (
    distinct.length === 1 ? { ...distinct[0], ...notAimedElsewhere } : { ...notAimedElsewhere, $or: distinct }
  ) as FilterPolicy;
}

/** Where an event with these message attributes goes: the first matching route's URL, else undefined. */
export function routeFor(
  routes: readonly ListenRoute[],
  attributes: Readonly<Record<string, string>>,
): string | undefined {
  return routes.find((r) => matchesFilterPolicy(policyOf(r) as FilterPolicy | undefined, attributes))?.forwardTo;
}
