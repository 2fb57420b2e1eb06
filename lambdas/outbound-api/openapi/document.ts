/**
 * The OpenAPI 3.1 document of the outbound API (`/v1`, IAM-authorized) and of the tenant portal's API
 * (`/portal/api`, authorized by a portal session), made from the operations (operations.ts) and the zod schemas
 * (schemas.ts) by zod's `toJSONSchema`. Served at `GET /v1/openapi.json` and committed as docs/openapi.json (a test
 * keeps the two equal).
 */
import * as z from 'zod/mini';
import { PORTAL_ROUTES, PORTAL_SESSION_ROUTE } from '../portal-access';
import { PORTAL_PAGE_ROUTES } from '../portal';
import { OUTBOUND_ROUTES, type OutboundRouteKey } from '../routes';
import { SOURCE_ROUTES } from '../../sources-api/routes';
import { OPERATIONS, type Operation } from './operations';
import { SOURCE_OPERATIONS } from './source-operations';
import { REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from './schemas';

type Json = Record<string, unknown>;

const PATH_PARAMETERS: Record<string, string> = {
  tenant: 'The tenant: 1-64 letters, digits, `_` or `-`.',
  endpoint: 'The endpoint id (`ep_…`).',
  delivery: 'The delivery id (`dlv_…`).',
  message: 'The message id (as sent, or `msg_…`).',
  recovery: 'The recovery or replay run id (`rcv_…`, `rpl_…`).',
  source: 'The tenant source id: lower-case letters, digits and `-`.',
  file: 'A file of the portal’s front end.',
};

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid: `message` names the field.',
  401: 'No valid portal session (`invalid_session`), or it expired (`session_expired`).',
  403: 'Refused: the caller is not authorized (IAM), or a read-only session asked for a change.',
  404: 'No such route, or no such resource for this tenant.',
  409: 'Conflicts with the resource’s state (`message` says which).',
  413: 'The body is too large.',
  422: 'The endpoint URL is refused (SSRF guard, or it does not resolve).',
  500: 'An unexpected error (details in the function’s log only).',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, example?: unknown) => ({
  'application/json': { schema, ...(example !== undefined && { example }) },
});

function components(): Json {
  const named = (schemas: Record<string, z.core.$ZodType>, io: 'input' | 'output') => {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
    const out = z.toJSONSchema(registry, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      uri: (id) => `#/components/schemas/${id}`,
    }) as { schemas: Record<string, Json> };
    return Object.fromEntries(
      Object.entries(out.schemas).map(([id, s]) => {
        const { $schema: _s, $id: _i, ...rest } = s;
        return [id, rest];
      }),
    );
  };
  return { ...named(REQUEST_SCHEMAS, 'input'), ...named(RESPONSE_SCHEMAS, 'output') };
}

function operation(op: Operation, path: string, portal: boolean, write: boolean): Json {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: PATH_PARAMETERS[name!] ?? name,
    schema: { type: 'string' },
  }));
  const query = (op.query ?? []).map((q) => ({
    name: q.name,
    in: 'query',
    description: q.description,
    schema: q.schema,
  }));
  const errors = [400, ...(portal ? [401] : []), ...(portal && !write ? [] : [403]), 404, ...(op.errors ?? []), 500];
  return {
    operationId: portal ? `portal${op.operationId[0]!.toUpperCase()}${op.operationId.slice(1)}` : op.operationId,
    summary: op.summary,
    ...(op.description && { description: op.description }),
    tags: [portal ? 'Portal API' : op.tag],
    ...(params.length + query.length > 0 && { parameters: [...params, ...query] }),
    ...(op.body && {
      requestBody: { required: !op.body.optional, content: json(ref(op.body.schema), op.body.example) },
    }),
    responses: {
      [op.success.status]: { description: 'Success.', content: json(ref(op.success.schema), op.success.example) },
      ...Object.fromEntries(errors.map((status) => [status, { $ref: `#/components/responses/Error${status}` }])),
    },
    security: [portal ? { portalSession: [] } : { sigv4: [] }],
  };
}

let memo: Json | undefined;

export function openApiDocument(): Json {
  if (memo) return memo;
  const paths: Record<string, Record<string, Json>> = {};
  const add = (key: string, op: Json) => {
    const [method, path] = key.split(' ') as [string, string];
    (paths[path] ??= {})[method.toLowerCase()] = op;
  };
  for (const key of OUTBOUND_ROUTES) add(key, operation(OPERATIONS[key], key.split(' ')[1]!, false, false));
  for (const key of SOURCE_ROUTES) add(key, operation(SOURCE_OPERATIONS[key], key.split(' ')[1]!, false, false));
  add(PORTAL_SESSION_ROUTE, {
    operationId: 'portalGetSession',
    summary: 'The session this portal is using',
    tags: ['Portal API'],
    responses: {
      200: { description: 'Success.', content: json(ref('PortalSessionInfo')) },
      401: { $ref: '#/components/responses/Error401' },
    },
    security: [{ portalSession: [] }],
  });
  for (const [portalKey, target] of PORTAL_ROUTES) {
    const write = !target.startsWith('GET ');
    add(portalKey, operation(OPERATIONS[target as OutboundRouteKey], portalKey.split(' ')[1]!, true, write));
  }
  for (const key of PORTAL_PAGE_ROUTES)
    add(key, {
      operationId: key === 'GET /portal' ? 'portalPage' : 'portalAsset',
      summary: key === 'GET /portal' ? 'The tenant portal (enter it with a session link)' : 'A portal asset',
      tags: ['Portal'],
      ...(key.includes('{file}') && {
        parameters: [
          { name: 'file', in: 'path', required: true, description: PATH_PARAMETERS.file, schema: { type: 'string' } },
        ],
      }),
      responses: { 200: { description: 'The page or asset.' }, 404: { description: ERROR_TEXT[404] } },
      security: [],
    });
  memo = {
    openapi: '3.1.0',
    info: {
      title: 'Webhook stack: outbound API and tenant portal API',
      version: '1',
      description:
        'The `/v1` routes are for the operator’s systems: deployed, each request is signed with AWS Signature Version 4 (IAM), and a policy on `…/v1/tenants/<tenant>/*` confines a caller to one tenant. The `/portal/api` routes are the tenant portal’s: each is authorized by a portal session (`Authorization: Bearer <token>`, from `POST /v1/tenants/{tenant}/portal-sessions`), for that tenant only, and serves the `/v1` route of the same name.',
    },
    tags: [
      'Endpoints',
      'Messages',
      'Deliveries',
      'Recovery',
      'Sources',
      'Event types',
      'Portal',
      'Portal API',
      'Reference',
    ].map((name) => ({ name })),
    paths,
    components: {
      schemas: components(),
      responses: Object.fromEntries(
        Object.entries(ERROR_TEXT).map(([status, description]) => [
          `Error${status}`,
          { description, content: json(ref('Error')) },
        ]),
      ),
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS Signature Version 4 with IAM credentials allowed `execute-api:Invoke` on the route.',
        },
        portalSession: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A portal session token.' },
      },
    },
  };
  return memo;
}
