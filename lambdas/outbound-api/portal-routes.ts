/**
 * The `/v1` routes of the portal and its contracts: mint a portal session (operator), the event types catalog, a
 * test event to one endpoint, and the OpenAPI document. Thin: each reads its input and calls the core.
 */
import { jsonResponse } from '../core/kernel/http';
import { sendTestEvent } from '../core/outbound/endpoints/test-event';
import { catalogView, NO_EVENT_TYPES } from '../core/outbound/event-types';
import { NotFoundError } from '../core/outbound/errors';
import { createPortalSession } from '../core/portal/sessions';
import { openApiDocument } from './openapi/document';
import { portalPageUrl } from './portal';
import { optionalJson, type RouteHandler } from './request';

/** `POST /v1/tenants/{tenant}/portal-sessions`: a session link for the tenant (201). */
export const session: RouteHandler = async (r, deps) => {
  if (!deps.portal) throw new NotFoundError('route');
  const view = await createPortalSession(r.ids.tenant!, optionalJson(r), portalPageUrl(r.headers, deps.portal), {
    keys: deps.portal.keys,
    now: deps.now,
  });
  return jsonResponse(201, view, { 'cache-control': 'no-store' });
};

/** `GET /v1/event-types`: the catalog (config/event-types.ts). */
export const catalog: RouteHandler = async (_, deps) => {
  const types = deps.eventTypes ?? NO_EVENT_TYPES;
  return jsonResponse(200, { validation: types.validation, eventTypes: catalogView(types) });
};

/** `POST …/endpoints/{endpoint}/test`: a test event to that endpoint alone (202, with the delivery to watch). */
export const testEvent: RouteHandler = async (r, deps) =>
  jsonResponse(202, await sendTestEvent(r.ids.tenant!, r.ids.endpoint!, optionalJson(r), deps));

/** `GET /v1/openapi.json`: the API's OpenAPI 3.1 document. */
export const openApi: RouteHandler = async () => jsonResponse(200, openApiDocument());
