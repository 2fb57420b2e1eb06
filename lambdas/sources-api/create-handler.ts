/**
 * The tenant sources API's AWS edge (API Gateway HTTP API, payload v2): create, list, read, update, delete and
 * rotate the secret of a tenant's sources. Thin: each route reads its parameters and calls the core; errors become
 * responses in the one error boundary. Each source's view gets its full `url`, from the host the request came to.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { BadRequestError, NoSuchSourceError } from '../core/kernel/errors';
import { jsonResponse, type HttpResponse } from '../core/kernel/http';
import type { Log } from '../core/kernel/log';
import {
  createSource,
  deleteSource,
  getSource,
  listSources,
  rotateSourceSecret,
  updateSource,
  type SourceManagementDeps,
} from '../core/inbound/tenant-sources/management';
import type { TenantSourceView } from '../core/inbound/tenant-sources/model';
import { httpErrorBoundary } from '../middleware/http-error-boundary';
import type { SourceRouteKey } from './routes';

export interface SourcesApiDeps extends SourceManagementDeps {
  readonly log: Log;
}

export function createSourcesApiHandler(deps: SourcesApiDeps) {
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(httpErrorBoundary({ log: deps.log }))
    .handler(async (event) => route(event.routeKey as SourceRouteKey, event, deps));
}

async function route(key: SourceRouteKey, event: APIGatewayProxyEventV2, deps: SourcesApiDeps): Promise<HttpResponse> {
  const p = event.pathParameters ?? {};
  const tenant = p.tenant ?? '';
  const source = p.source ?? '';
  const withUrl = (view: TenantSourceView): TenantSourceView => ({ ...view, url: `${origin(event)}${view.path}` });
  switch (key) {
    case 'POST /v1/tenants/{tenant}/sources': {
      const created = await createSource(tenant, jsonBody(event), deps);
      return jsonResponse(201, { ...created, source: withUrl(created.source) });
    }
    case 'GET /v1/tenants/{tenant}/sources': {
      const q = event.queryStringParameters ?? {};
      const page = await listSources(tenant, { limit: q.limit, cursor: q.cursor }, deps);
      return jsonResponse(200, { ...page, sources: page.sources.map(withUrl) });
    }
    case 'GET /v1/tenants/{tenant}/sources/{source}':
      return jsonResponse(200, { source: withUrl(await getSource(tenant, source, deps)) });
    case 'PATCH /v1/tenants/{tenant}/sources/{source}':
      return jsonResponse(200, { source: withUrl(await updateSource(tenant, source, jsonBody(event), deps)) });
    case 'DELETE /v1/tenants/{tenant}/sources/{source}':
      await deleteSource(tenant, source, deps);
      return jsonResponse(200, { deleted: source });
    case 'POST /v1/tenants/{tenant}/sources/{source}/rotate-secret': {
      const rotated = await rotateSourceSecret(tenant, source, event.body ? jsonBody(event) : {}, deps);
      return jsonResponse(200, { ...rotated, source: withUrl(rotated.source) });
    }
    default:
      throw new NoSuchSourceError();
  }
}

/** `https://<host>`: where the request came, so a source's URL is the one its provider can reach. */
function origin(event: APIGatewayProxyEventV2): string {
  const headers = event.headers ?? {};
  return `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host ?? event.requestContext.domainName}`;
}

function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body ?? '';
  try {
    return JSON.parse(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  } catch {
    throw new BadRequestError('The body is not valid JSON.');
  }
}
