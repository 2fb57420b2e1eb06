/** A hash router: `#/endpoints/ep_1?tab=x` → the first route whose pattern matches, with its parameters. */

export interface Location {
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

export type View = (main: HTMLElement, at: Location) => Promise<void> | void;

export interface Route {
  /** `/endpoints/:endpoint`: each `:name` is one segment, decoded. */
  readonly pattern: string;
  readonly view: View;
}

export function current(): { path: string; query: URLSearchParams } {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?') as [string, string?];
  return { path, query: new URLSearchParams(query) };
}

export function match(
  routes: readonly Route[],
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const want = route.pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    want.forEach((w, i) => {
      if (w.startsWith(':')) {
        try {
          params[w.slice(1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
        }
      } else if (w !== parts[i]) ok = false;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/** `#/deliveries?status=failed` from a path and query values (empty ones left out). */
export function link(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1])).toString();
  return `#${path}${q ? `?${q}` : ''}`;
}

export function go(path: string, query: Record<string, string | undefined> = {}): void {
  location.hash = link(path, query);
}
