/**
 * Routes processed events to handlers by source and type. The first matching route wins; events no
 * route matches get the default handler, which publishes the envelope as received.
 */
import type { Envelope } from './envelope';

/** What a handler decides for one event. */
export type HandlerResult =
  | { readonly publish: false }
  | {
      readonly publish: true;
      /** The SNS message body. */
      readonly message: string;
      /** Extra SNS message attributes; `source`, `type` and `eventId` are always set. */
      readonly attributes?: Readonly<Record<string, string>>;
    };

/** A user handler. Throwing marks the event `failed` and retries it through SQS. */
export type EventHandler = (event: Envelope, raw: string) => HandlerResult | Promise<HandlerResult>;

export interface Route {
  /** Source id, or `*` for any. */
  readonly source: string;
  /** Exact type, a prefix ending in `*` (e.g. `invoice.*`), or `*` for any. */
  readonly type: string;
  readonly handle: EventHandler;
}

/** The default: publish the envelope text exactly as it came off the queue. */
export const publishEnvelope: EventHandler = (_event, raw) => ({ publish: true, message: raw });

export type Router = (source: string, type: string) => EventHandler;

export function createRouter(routes: readonly Route[], fallback: EventHandler = publishEnvelope): Router {
  return (source, type) => {
    for (const route of routes) {
      if ((route.source === '*' || route.source === source) && matchesType(route.type, type)) return route.handle;
    }
    return fallback;
  };
}

function matchesType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Declares routes with type checking; the identity at run time. */
export function defineRoutes(routes: readonly Route[]): readonly Route[] {
  return routes;
}
