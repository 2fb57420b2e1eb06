/**
 * The outbound API's routes (`/v1/…`), one description for the handler, the local API server and the CDK routes.
 * Deployed, every route is authorized with IAM (SigV4): these are for the operator's systems, not the internet.
 * Every route is under `/v1/tenants/{tenant}/`, so an IAM policy on `…/v1/tenants/acme/*` confines a caller to
 * tenant acme (docs/outbound-api.md); each `{name}` is an id of that kind (core/outbound/ids.ts).
 */
export const TENANT_PREFIX = '/v1/tenants/{tenant}/';

export const OUTBOUND_ROUTES = [
  'POST /v1/tenants/{tenant}/messages',
  'GET /v1/tenants/{tenant}/messages',
  'GET /v1/tenants/{tenant}/messages/{message}',
  'POST /v1/tenants/{tenant}/messages/replay',
  'POST /v1/tenants/{tenant}/endpoints',
  'GET /v1/tenants/{tenant}/endpoints',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}',
  'PATCH /v1/tenants/{tenant}/endpoints/{endpoint}',
  'DELETE /v1/tenants/{tenant}/endpoints/{endpoint}',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}/status',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover',
  'GET /v1/tenants/{tenant}/recoveries/{recovery}',
  'GET /v1/tenants/{tenant}/deliveries',
  'GET /v1/tenants/{tenant}/deliveries/{delivery}',
  'POST /v1/tenants/{tenant}/deliveries/{delivery}/retry',
] as const;

export type OutboundRouteKey = (typeof OUTBOUND_ROUTES)[number];

const compiled = OUTBOUND_ROUTES.map((key) => {
  const [method, path] = key.split(' ') as [string, string];
  const names: string[] = [];
  const pattern = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { key, method, pattern, names };
});

/** The route a request matches, with its decoded path parameters; undefined for 404. */
export function matchOutboundRoute(
  method: string,
  rawPath: string,
): { routeKey: OutboundRouteKey; pathParameters: Record<string, string> } | undefined {
  for (const route of compiled) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(rawPath);
    if (!m) continue;
    try {
      return {
        routeKey: route.key,
        pathParameters: Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])),
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
