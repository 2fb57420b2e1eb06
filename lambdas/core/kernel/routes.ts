/**
 * Route keys as API Gateway writes them (`POST /v1/tenants/{tenant}/sources`), matched against a request: one
 * matcher for every API the stack serves, used by the handlers' routers and the local API server alike. A `{name}` is
 * one path segment, decoded; a path that does not decode matches nothing; everything else matches literally.
 */

export interface MatchedRoute<K extends string> {
  readonly routeKey: K;
  /** Each `{name}` of the key, percent-decoded. */
  readonly pathParameters: Record<string, string>;
}

/** A function that finds which of `keys` a request matches, with its decoded path parameters; undefined for 404. */
export function routeMatcher<K extends string>(keys: readonly K[]) {
  const compiled = keys.map((key) => {
    const [method, path] = key.split(' ') as [string, string];
    const names: string[] = [];
    const source = path
      .split(/(\{\w+\})/)
      .map((part) => {
        const param = /^\{(\w+)\}$/.exec(part);
        if (!param) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(param[1]!);
        return '([^/]+)';
      })
      .join('');
    const pattern = new RegExp(`^${source}$`);
    return { key, method, pattern, names };
  });
  return (method: string, rawPath: string): MatchedRoute<K> | undefined => {
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
  };
}
