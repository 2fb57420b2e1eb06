/**
 * Route matching for a list of `METHOD /path/{param}` keys, as API Gateway matches them: a `{name}` is one path
 * segment, decoded; a path that does not decode matches nothing. Used by the local API server and the portal.
 */

export interface RouteMatch<K extends string> {
  readonly routeKey: K;
  readonly pathParameters: Record<string, string>;
}

/** A matcher for `keys`: `(method, rawPath)` → the first route matching, or undefined (404). */
export function routeMatcher<K extends string>(
  keys: readonly K[],
): (method: string, rawPath: string) => RouteMatch<K> | undefined {
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
  return (method, rawPath) => {
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
