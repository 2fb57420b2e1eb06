/**
 * The outbound API's AWS edge (API Gateway HTTP API, payload v2): management of endpoints, message intake, and
 * delivery inspection and replay. Thin: each route reads its parameters and calls the core; errors become
 * responses in the one error boundary.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { BadRequestError } from '../core/kernel/errors';
import { jsonResponse, type HttpResponse } from '../core/kernel/http';
import { NotFoundError } from '../core/outbound/errors';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  type ManagementDeps,
} from '../core/outbound/endpoints/management';
import { parseMessageBody } from '../core/outbound/intake/message-body';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../core/outbound/model';
import type {
  DeliveryReader,
  DeliveryStore,
  EndpointDeliveryReader,
  MessageStore,
  WakeUpQueue,
} from '../core/outbound/ports';
import { endpointStatus } from '../core/outbound/endpoints/status-report';
import { runRecovery, runReplay, type RecoveryRunDeps } from '../core/outbound/recovery/requests';
import { submitMessage, type SubmitDeps } from '../core/outbound/intake/submit';
import { httpErrorBoundary } from '../middleware/http-error-boundary';
import { catalogRoute, openApiRoute, sessionRoute, testEventRoute } from './portal-routes';
import { isPortalRequest, portalRequest, type PortalDeps } from './portal';
import type { OutboundRouteKey } from './routes';

export interface OutboundApiDeps
  extends ManagementDeps,
    Omit<SubmitDeps, 'endpoints' | 'deliveries' | 'messages'>,
    Pick<RecoveryRunDeps, 'recovery' | 'retention'> {
  readonly messages: MessageStore;
  readonly deliveries: DeliveryStore & DeliveryReader & EndpointDeliveryReader;
  readonly wakeUps: WakeUpQueue;
  /** The tenant portal: its signing key, settings and pages. @default none: the portal routes answer 404 */
  readonly portal?: PortalDeps;
}

/** The `/v1` routes (IAM-authorized deployed) and the portal's (token-authorized), in one function. */
export function createOutboundApiHandler(deps: OutboundApiDeps) {
  const outbound = (event: APIGatewayProxyEventV2) => route(event.routeKey as OutboundRouteKey, event, deps);
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(httpErrorBoundary({ log: deps.log }))
    .handler(async (event) =>
      isPortalRequest(event.routeKey) ? portalRequest(event, deps, outbound) : outbound(event),
    );
}

async function route(
  key: OutboundRouteKey,
  event: APIGatewayProxyEventV2,
  deps: OutboundApiDeps,
): Promise<HttpResponse> {
  const p = event.pathParameters ?? {};
  const tenant = p.tenant ?? '';
  const endpoint = p.endpoint ?? '';
  const delivery = p.delivery ?? '';
  switch (key) {
    case 'POST /v1/tenants/{tenant}/messages': {
      const body = parseMessageBody(bodyText(event), event.headers?.['idempotency-key']);
      const outcome = await submitMessage(
        { tenantId: tenant, id: body.id ?? `msg_${randomUUID()}`, type: body.type, payload: body.payload },
        deps,
      );
      // `deliveries` will be attempted; `skipped` were recorded for disabled endpoints (sent by `endpoints recover`).
      const skipped = outcome.deliveries.filter((d) => d.status === 'skipped').length;
      return jsonResponse(outcome.status === 'accepted' ? 202 : 200, {
        status: outcome.status,
        id: outcome.message.id,
        deliveries: outcome.deliveries.length - skipped,
        skipped,
      });
    }
    case 'POST /v1/tenants/{tenant}/endpoints':
      return jsonResponse(201, await createEndpoint(tenant, jsonBody(event), deps));
    case 'GET /v1/tenants/{tenant}/endpoints':
      return jsonResponse(200, { endpoints: await listEndpoints(tenant, deps) });
    case 'GET /v1/tenants/{tenant}/endpoints/{endpoint}':
      return jsonResponse(200, { endpoint: await getEndpoint(tenant, endpoint, deps) });
    case 'PATCH /v1/tenants/{tenant}/endpoints/{endpoint}':
      return jsonResponse(200, { endpoint: await updateEndpoint(tenant, endpoint, jsonBody(event), deps) });
    case 'DELETE /v1/tenants/{tenant}/endpoints/{endpoint}':
      await deleteEndpoint(tenant, endpoint, deps);
      return jsonResponse(200, { deleted: endpoint });
    case 'POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret':
      return jsonResponse(200, await rotateEndpointSecret(tenant, endpoint, deps));
    case 'GET /v1/tenants/{tenant}/endpoints/{endpoint}/status':
      return jsonResponse(
        200,
        await endpointStatus(tenant, endpoint, {
          ...deps,
          store: deps.operations?.store,
          settings: deps.operations?.settings,
        }),
      );
    case 'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover':
      return jsonResponse(202, await runRecovery(tenant, endpoint, bodyText(event), deps));
    case 'POST /v1/tenants/{tenant}/messages/replay':
      return jsonResponse(202, await runReplay(tenant, bodyText(event), deps));
    case 'GET /v1/tenants/{tenant}/deliveries':
    case 'GET /v1/deliveries':
      return jsonResponse(200, {
        deliveries: await deps.deliveries.list({
          ...(p.tenant !== undefined && { tenantId: tenant }),
          ...listQuery(event),
        }),
      });
    case 'GET /v1/tenants/{tenant}/deliveries/{delivery}': {
      const found = await deps.deliveries.get(tenant, delivery);
      if (!found) throw new NotFoundError('delivery');
      return jsonResponse(200, { delivery: found, attempts: await deps.deliveries.attempts(tenant, delivery) });
    }
    case 'POST /v1/tenants/{tenant}/deliveries/{delivery}/retry': {
      const replayed = await deps.deliveries.replay(tenant, delivery, deps.now());
      if (!replayed) throw new NotFoundError('delivery');
      if (replayed.status === 'pending')
        await deps.wakeUps.send([{ tenantId: tenant, deliveryId: delivery, delaySeconds: 0 }]);
      return jsonResponse(202, { delivery: replayed });
    }
    case 'POST /v1/tenants/{tenant}/endpoints/{endpoint}/test':
      return testEventRoute(tenant, endpoint, bodyText(event), deps);
    case 'POST /v1/tenants/{tenant}/portal-sessions':
      return sessionRoute(tenant, event, deps);
    case 'GET /v1/event-types':
      return catalogRoute(deps);
    case 'GET /v1/openapi.json':
      return openApiRoute();
    case 'GET /v1/deliveries/{delivery}': {
      const found = await deps.deliveries.get(undefined, delivery);
      if (!found) throw new NotFoundError('delivery');
      return jsonResponse(200, { delivery: found, attempts: await deps.deliveries.attempts(undefined, delivery) });
    }
    case 'POST /v1/deliveries/{delivery}/retry': {
      const replayed = await deps.deliveries.replay(undefined, delivery, deps.now());
      if (!replayed) throw new NotFoundError('delivery');
      if (replayed.status === 'pending')
        await deps.wakeUps.send([{ tenantId: replayed.tenantId, deliveryId: delivery, delaySeconds: 0 }]);
      return jsonResponse(202, { delivery: replayed });
    }
    default:
      throw new NotFoundError('route');
  }
}

function bodyText(event: APIGatewayProxyEventV2): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

function jsonBody(event: APIGatewayProxyEventV2): unknown {
  try {
    return JSON.parse(bodyText(event));
  } catch {
    throw new BadRequestError('The body is not valid JSON.');
  }
}

function listQuery(event: APIGatewayProxyEventV2): { endpointId?: string; status?: DeliveryStatus; limit?: number } {
  const q = event.queryStringParameters ?? {};
  if (q.status !== undefined && !DELIVERY_STATUSES.includes(q.status as DeliveryStatus))
    throw new BadRequestError(`status must be one of ${DELIVERY_STATUSES.join(', ')}`);
  const limit = q.limit === undefined ? undefined : Number(q.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000))
    throw new BadRequestError('limit must be 1-1000');
  return {
    ...(q.endpoint !== undefined && { endpointId: q.endpoint }),
    ...(q.status !== undefined && { status: q.status as DeliveryStatus }),
    ...(limit !== undefined && { limit }),
  };
}
