/**
 * The outbound API's AWS edge (API Gateway HTTP API, payload v2): management of endpoints, message intake and
 * reads, delivery inspection and retry, recovery runs. Thin: each route (routes.ts) has one handler here, which reads
 * its parameters and calls the core; path ids are checked by the one id rule before any route runs; errors become
 * responses in the one error boundary.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResponse } from '../core/kernel/http';
import { NotFoundError } from '../core/outbound/errors';
import { httpErrorBoundary } from '../middleware/http-error-boundary';
import * as deliveries from './delivery-routes';
import * as endpoints from './endpoint-routes';
import * as messages from './message-routes';
import { consoleRequest, isConsoleRequest } from './console';
import { isPortalRequest, portalRequest } from './portal';
import * as portalRoutes from './portal-routes';
import { toApiRequest, type OutboundApiDeps, type RouteHandler } from './request';
import type { OutboundRouteKey } from './routes';

export type { OutboundApiDeps } from './request';

const HANDLERS: Readonly<Record<OutboundRouteKey, RouteHandler>> = {
  'POST /v1/tenants/{tenant}/messages': messages.submit,
  'GET /v1/tenants/{tenant}/messages': messages.list,
  'GET /v1/tenants/{tenant}/messages/{message}': messages.show,
  'POST /v1/tenants/{tenant}/messages/replay': messages.replay,
  'POST /v1/tenants/{tenant}/endpoints': endpoints.create,
  'GET /v1/tenants/{tenant}/endpoints': endpoints.list,
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}': endpoints.show,
  'PATCH /v1/tenants/{tenant}/endpoints/{endpoint}': endpoints.update,
  'DELETE /v1/tenants/{tenant}/endpoints/{endpoint}': endpoints.remove,
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret': endpoints.rotateSecret,
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}/status': endpoints.status,
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover': endpoints.recover,
  'GET /v1/tenants/{tenant}/recoveries/{recovery}': messages.recoveryRun,
  'GET /v1/tenants/{tenant}/deliveries': deliveries.list,
  'GET /v1/tenants/{tenant}/deliveries/{delivery}': deliveries.show,
  'POST /v1/tenants/{tenant}/deliveries/{delivery}/retry': deliveries.retry,
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/test': portalRoutes.testEvent,
  'POST /v1/tenants/{tenant}/portal-sessions': portalRoutes.session,
  'GET /v1/event-types': portalRoutes.catalog,
  'GET /v1/openapi.json': portalRoutes.openApi,
};

/** The `/v1` routes (IAM-authorized deployed), the tenant portal's and the operator console's (token-authorized), in one function. */
export function createOutboundApiHandler(deps: OutboundApiDeps) {
  const outbound = async (event: APIGatewayProxyEventV2) => {
    const handler = HANDLERS[event.routeKey as OutboundRouteKey];
    if (handler === undefined) throw new NotFoundError('route');
    return handler(toApiRequest(event), deps);
  };
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(httpErrorBoundary({ log: deps.log }))
    .handler(async (event) =>
      isPortalRequest(event.routeKey)
        ? portalRequest(event, deps, outbound)
        : isConsoleRequest(event.routeKey)
          ? consoleRequest(event, deps, outbound)
          : outbound(event),
    );
}
