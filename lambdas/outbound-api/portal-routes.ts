/**
 * The `/v1` routes of the portal and its contracts: mint a portal session (operator), the event types catalog, a
 * test event to one endpoint, and the OpenAPI document. Thin: each reads its input and calls the core.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadRequestError } from '../core/kernel/errors';
import { jsonResponse, type HttpResponse } from '../core/kernel/http';
import { sendTestEvent, type TestEventDeps } from '../core/outbound/endpoints/test-event';
import { catalogView, NO_EVENT_TYPES, type EventTypeCatalog } from '../core/outbound/event-types';
import { NotFoundError } from '../core/outbound/errors';
import { createPortalSession } from '../core/portal/sessions';
import type { Clock } from '../core/kernel/ports';
import { openApiDocument } from './openapi/document';
import { portalPageUrl, type PortalDeps } from './portal';

/** `POST /v1/tenants/{tenant}/portal-sessions`: a session link for the tenant (201). */
export async function sessionRoute(
  tenant: string,
  event: APIGatewayProxyEventV2,
  deps: { readonly portal?: PortalDeps; readonly now: Clock },
): Promise<HttpResponse> {
  if (!deps.portal) throw new NotFoundError('route');
  const session = await createPortalSession(tenant, optionalJson(body(event)), portalPageUrl(event, deps.portal), {
    keys: deps.portal.keys,
    now: deps.now,
  });
  return jsonResponse(201, session, { 'cache-control': 'no-store' });
}

/** `GET /v1/event-types`: the catalog (config/event-types.ts). */
export function catalogRoute(deps: { readonly eventTypes?: EventTypeCatalog }): HttpResponse {
  const catalog = deps.eventTypes ?? NO_EVENT_TYPES;
  return jsonResponse(200, { validation: catalog.validation, eventTypes: catalogView(catalog) });
}

/** `POST …/endpoints/{endpoint}/test`: a test event to that endpoint alone (202, with the delivery to watch). */
export async function testEventRoute(
  tenant: string,
  endpoint: string,
  text: string,
  deps: TestEventDeps,
): Promise<HttpResponse> {
  return jsonResponse(202, await sendTestEvent(tenant, endpoint, optionalJson(text), deps));
}

/** `GET /v1/openapi.json`: the API's OpenAPI 3.1 document. */
export function openApiRoute(): HttpResponse {
  return jsonResponse(200, openApiDocument());
}

function body(event: APIGatewayProxyEventV2): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

/** An optional JSON body: none (or only spaces) reads as `{}`. */
function optionalJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The body is not valid JSON.');
  }
}
