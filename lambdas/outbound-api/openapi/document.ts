/**
 * The OpenAPI 3.1 document of the outbound API (`/v1`, IAM-authorized) and of the tenant portal's API
 * (`/portal/api`, authorized by a portal session), made from the operations (operations.ts) and the zod schemas
 * (schemas.ts) by zod's `toJSONSchema`. Served at `GET /v1/openapi.json` and committed as docs/openapi.json (a test
 * keeps the two equal).
 */
import * as z from 'zod/mini';
import { PORTAL_ROUTES, PORTAL_SESSION_ROUTE } from '../portal-access';
import { PORTAL_PAGE_ROUTES } from '../portal';
import {
  CONSOLE_DATA_ROUTES,
  CONSOLE_PAGE_ROUTE,
  CONSOLE_SESSION_ROUTE,
  CONSOLE_TENANT_ROUTES,
  type ConsoleDataRoute,
} from '../console-access';
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
  event: 'The event id, as its source gave it.',
  queue: 'A queue: a source id, `pipeline:shared`, `outbound:intake` or `outbound:deliveries`.',
};

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid: `message` names the field.',
  401: 'No valid portal or console session (`invalid_session`), or it expired (`session_expired`).',
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

/** The path parameters of `path`, each `{name}` described. */
function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: PATH_PARAMETERS[name!] ?? name,
    schema: { type: 'string' },
  }));
}

/** Where a `/v1` operation is served: itself (IAM), or mapped into the portal's or the console's API (a session). */
type Surface = 'v1' | 'portal' | 'console';

function operation(op: Operation, path: string, surface: Surface, write: boolean): Json {
  const portal = surface !== 'v1';
  const params = pathParameters(path);
  const query = (op.query ?? []).map((q) => ({
    name: q.name,
    in: 'query',
    description: q.description,
    schema: q.schema,
  }));
  const errors = [400, ...(portal ? [401] : []), ...(portal && !write ? [] : [403]), 404, ...(op.errors ?? []), 500];
  return {
    operationId: portal ? `${surface}${op.operationId[0]!.toUpperCase()}${op.operationId.slice(1)}` : op.operationId,
    summary: op.summary,
    ...(op.description && { description: op.description }),
    tags: [surface === 'portal' ? 'Portal API' : surface === 'console' ? 'Console API' : op.tag],
    ...(params.length + query.length > 0 && { parameters: [...params, ...query] }),
    ...(op.body && {
      requestBody: { required: !op.body.optional, content: json(ref(op.body.schema), op.body.example) },
    }),
    responses: {
      [op.success.status]: { description: 'Success.', content: json(ref(op.success.schema), op.success.example) },
      ...Object.fromEntries(errors.map((status) => [status, { $ref: `#/components/responses/Error${status}` }])),
    },
    security: [
      surface === 'portal' ? { portalSession: [] } : surface === 'console' ? { consoleSession: [] } : { sigv4: [] },
    ],
  };
}

const CONSOLE_DATA_SUMMARIES: Record<ConsoleDataRoute, string> = {
  'GET /console/api/session': 'The console session in use',
  'GET /console/api/overview':
    'Each source’s requests over the last hour (per minute, by outcome) and every queue’s depth',
  'GET /console/api/events': 'The newest events (`?source=`, `?status=`, `?limit=` 1-1000)',
  'GET /console/api/events/{source}/{event}': 'One event’s record',
  'GET /console/api/dead-letters/{queue}': 'A look at a queue’s dead letters (ids, type, receive count; never bodies)',
  'POST /console/api/queues/{queue}/redrive': 'Move a queue’s dead letters back to it (SQS’s move task deployed)',
  'GET /console/api/endpoints': 'Every tenant’s endpoints with their state',
};

/** The operator console: its IAM-signed session route, its page, its own reads and the tenant routes it maps. */
function addConsole(add: (key: string, op: Json) => void): void {
  const op = OPERATIONS['POST /v1/tenants/{tenant}/portal-sessions'];
  add(CONSOLE_SESSION_ROUTE, {
    operationId: 'createConsoleSession',
    summary: 'Open an operator console session',
    description:
      'A signed link to the operator console, an hour at most: every tenant, every queue (redrive included) and the events. A read-only session changes nothing. Signed with the portal’s key: rotating it ends console sessions too.',
    tags: ['Console'],
    requestBody: {
      required: false,
      content: json(ref('ConsoleSessionInput'), op.body?.example),
    },
    responses: {
      201: { description: 'Success.', content: json(ref('ConsoleSession')) },
      ...Object.fromEntries([400, 403, 404, 500].map((s) => [s, { $ref: `#/components/responses/Error${s}` }])),
    },
    security: [{ sigv4: [] }],
  });
  add(CONSOLE_PAGE_ROUTE, {
    operationId: 'consolePage',
    summary: 'The operator console (enter it with a console session link)',
    tags: ['Console'],
    responses: { 200: { description: 'The page.' }, 404: { description: ERROR_TEXT[404] } },
    security: [],
  });
  for (const key of CONSOLE_DATA_ROUTES) {
    const path = key.split(' ')[1]!;
    const params = pathParameters(path);
    add(key, {
      operationId: `console${key
        .split(' ')[1]!
        .slice('/console/api/'.length)
        .replace(/\{\w+\}/g, '')
        .split(/[/-]/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join('')}${key.startsWith('GET') && key.endsWith('}') ? 'One' : ''}`,
      summary: CONSOLE_DATA_SUMMARIES[key],
      tags: ['Console API'],
      ...(params.length > 0 && { parameters: params }),
      responses: {
        200: {
          description: 'Success.',
          content: json(ref(key === 'GET /console/api/session' ? 'ConsoleSessionInfo' : 'ConsoleData')),
        },
        ...Object.fromEntries([400, 401, 403, 404, 500].map((s) => [s, { $ref: `#/components/responses/Error${s}` }])),
      },
      security: [{ consoleSession: [] }],
    });
  }
  for (const [consoleKey, target] of CONSOLE_TENANT_ROUTES)
    add(consoleKey, operation(OPERATIONS[target], consoleKey.split(' ')[1]!, 'console', !target.startsWith('GET ')));
}

let memo: Json | undefined;

export function openApiDocument(): Json {
  if (memo) return memo;
  const paths: Record<string, Record<string, Json>> = {};
  const add = (key: string, op: Json) => {
    const [method, path] = key.split(' ') as [string, string];
    (paths[path] ??= {})[method.toLowerCase()] = op;
  };
  for (const key of OUTBOUND_ROUTES) add(key, operation(OPERATIONS[key], key.split(' ')[1]!, 'v1', false));
  for (const key of SOURCE_ROUTES) add(key, operation(SOURCE_OPERATIONS[key], key.split(' ')[1]!, 'v1', false));
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
    add(portalKey, operation(OPERATIONS[target as OutboundRouteKey], portalKey.split(' ')[1]!, 'portal', write));
  }
  addConsole(add);
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
      'Console',
      'Console API',
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
        consoleSession: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A console session token (`POST /v1/console-sessions`).',
        },
      },
    },
  };
  return memo;
}
