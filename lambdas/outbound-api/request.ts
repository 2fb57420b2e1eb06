/**
 * What every outbound API route is given: the request as plain values, its path ids already checked by the one id
 * rule (core/outbound/ids.ts), and the dependencies of the whole API.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadRequestError } from '../core/kernel/errors';
import type { HttpResponse } from '../core/kernel/http';
import type { ManagementDeps } from '../core/outbound/endpoints/management';
import { checkPathIds } from '../core/outbound/ids';
import type { SubmitDeps } from '../core/outbound/intake/submit';
import type {
  DeliveryReader,
  DeliveryStore,
  EndpointDeliveryReader,
  MessageReader,
  MessageStore,
  PageQuery,
  WakeUpQueue,
} from '../core/outbound/ports';
import type { RecoveryRunDeps } from '../core/outbound/recovery/requests';
import type { ConsoleData } from '../core/console/ports';
import type { PortalDeps } from './portal';

export interface OutboundApiDeps
  extends ManagementDeps,
    Omit<SubmitDeps, 'endpoints' | 'deliveries' | 'messages'>,
    Pick<RecoveryRunDeps, 'recovery' | 'retention'> {
  readonly messages: MessageStore & MessageReader;
  readonly deliveries: DeliveryStore & DeliveryReader & EndpointDeliveryReader;
  readonly wakeUps: WakeUpQueue;
  /** The tenant portal: its signing key, settings and pages. @default none: the portal routes answer 404 */
  readonly portal?: PortalDeps;
  /** The operator console's data (its sessions are signed with the portal's key). @default none: its routes answer 404 */
  readonly console?: ConsoleDeps;
}

/** The operator console's part of the API function (outbound-api/console.ts). */
export interface ConsoleDeps {
  readonly data: ConsoleData;
  /** The console page's URL in session links. @default `<x-forwarded-proto>://<host>/console` of the request */
  readonly url?: string;
}

export interface ApiRequest {
  /** The path parameters (`tenant`, `endpoint`, …), each a valid id of its kind. */
  readonly ids: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (base64 bodies decoded). */
  text(): string;
  /** The body as JSON: 400 when it is not. */
  json(): unknown;
}

export type RouteHandler = (request: ApiRequest, deps: OutboundApiDeps) => Promise<HttpResponse>;

/** The request of an API Gateway (payload v2) event; 400 naming the path id that breaks the id rule. */
export function toApiRequest(event: APIGatewayProxyEventV2): ApiRequest {
  const text = () => {
    const raw = event.body ?? '';
    return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  };
  return {
    ids: checkPathIds(event.pathParameters ?? {}),
    query: event.queryStringParameters ?? {},
    headers: event.headers ?? {},
    text,
    json() {
      try {
        return JSON.parse(text());
      } catch {
        throw new BadRequestError('The body is not valid JSON.');
      }
    },
  };
}

/** An optional JSON body: none (or only spaces) reads as `{}`; anything else must be JSON (400). */
export function optionalJson(r: ApiRequest): unknown {
  return r.text().trim() === '' ? {} : r.json();
}

export const MAX_PAGE_LIMIT = 1000;

/** `?limit=` (1-1000) and `?cursor=` of a list route. */
export function pageQuery(query: ApiRequest['query']): PageQuery {
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT))
    throw new BadRequestError(`limit must be 1-${MAX_PAGE_LIMIT}.`);
  if (query.cursor !== undefined && (query.cursor === '' || query.cursor.length > 2048))
    throw new BadRequestError('cursor is not one this list gave: start again without it.');
  return {
    ...(limit !== undefined && { limit }),
    ...(query.cursor !== undefined && { cursor: query.cursor }),
  };
}
