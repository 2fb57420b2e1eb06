/**
 * The outbound API's routes (`/v1/…`), one description for the handler, the local API server and the CDK routes.
 * Deployed, every route is authorized with IAM (SigV4): these are for the operator's systems, not the internet.
 */
export const OUTBOUND_ROUTES = [
  'POST /v1/tenants/{tenant}/messages',
  'POST /v1/tenants/{tenant}/endpoints',
  'GET /v1/tenants/{tenant}/endpoints',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}',
  'PATCH /v1/tenants/{tenant}/endpoints/{endpoint}',
  'DELETE /v1/tenants/{tenant}/endpoints/{endpoint}',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret',
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}/status',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover',
  'POST /v1/tenants/{tenant}/messages/replay',
  'GET /v1/tenants/{tenant}/deliveries',
  'GET /v1/deliveries',
  'GET /v1/deliveries/{delivery}',
  'POST /v1/deliveries/{delivery}/retry',
  'GET /v1/tenants/{tenant}/deliveries/{delivery}',
  'POST /v1/tenants/{tenant}/deliveries/{delivery}/retry',
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/test',
  'POST /v1/tenants/{tenant}/portal-sessions',
  'GET /v1/event-types',
  'GET /v1/openapi.json',
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
