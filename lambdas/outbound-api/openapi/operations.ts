/**
 * What each `/v1` route does, takes and answers, for the OpenAPI document: one entry per route (the record's type
 * makes a route without one a compile error). Bodies and answers name schemas of schemas.ts; every example is
 * checked against its schema by test/handlers/openapi-contract.test.ts.
 */
import type { OutboundRouteKey } from '../routes';
import { EXAMPLES as X } from './examples';
import type { RequestSchemaName, ResponseSchemaName } from './schemas';

export type Tag =
  | 'Endpoints'
  | 'Messages'
  | 'Deliveries'
  | 'Recovery'
  | 'Sources'
  | 'Event types'
  | 'Portal'
  | 'Reference';

export interface QueryParameter {
  readonly name: string;
  readonly description: string;
  readonly schema: Record<string, unknown>;
}

export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: Tag;
  readonly query?: readonly QueryParameter[];
  readonly body?: { readonly schema: RequestSchemaName; readonly example: unknown; readonly optional?: true };
  /** The success answer: its status, schema and example. */
  readonly success: { readonly status: number; readonly schema: ResponseSchemaName; readonly example: unknown };
  /** The error statuses this route can answer besides 400/403/404/500 (e.g. 409, 422). */
  readonly errors?: readonly number[];
}

const STATUSES = ['pending', 'delivered', 'failed', 'exhausted', 'skipped'];
const paging: readonly QueryParameter[] = [
  {
    name: 'limit',
    description: 'At most this many (1-1000, default 50).',
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  {
    name: 'cursor',
    description: 'The `cursor` of the previous page: read until an answer has none (a page may be short, even empty).',
    schema: { type: 'string' },
  },
];
const deliveryFilters: readonly QueryParameter[] = [
  { name: 'endpoint', description: 'Only deliveries to this endpoint.', schema: { type: 'string' } },
  { name: 'status', description: 'Only deliveries in this status.', schema: { type: 'string', enum: STATUSES } },
  ...paging,
];

export const OPERATIONS: Readonly<Record<OutboundRouteKey, Operation>> = {
  'POST /v1/tenants/{tenant}/messages': {
    operationId: 'sendMessage',
    summary: 'Send a message to the tenant’s endpoints',
    description:
      'Accepted once per (tenant, id): a retry with the same id, type and payload answers 200 `duplicate`; the same id with another payload is refused (409). A payload of a catalogued type must match its schema (400 naming the field). The `Idempotency-Key` header may carry the id.',
    tag: 'Messages',
    body: { schema: 'MessageBody', example: X.messageBody },
    success: { status: 202, schema: 'MessageAccepted', example: X.messageAccepted },
    errors: [409, 413],
  },
  'GET /v1/tenants/{tenant}/messages': {
    operationId: 'listMessages',
    summary: 'List the tenant’s stored messages, newest first (no payloads)',
    tag: 'Messages',
    query: paging,
    success: { status: 200, schema: 'MessageList', example: { messages: [X.message] } },
  },
  'GET /v1/tenants/{tenant}/messages/{message}': {
    operationId: 'getMessage',
    summary: 'Show a stored message, its payload and its deliveries',
    tag: 'Messages',
    success: { status: 200, schema: 'MessageDetail', example: X.messageDetail },
  },
  'GET /v1/tenants/{tenant}/recoveries/{recovery}': {
    operationId: 'getRecoveryRun',
    summary: 'Read a recovery or replay run back: what was asked, its progress and counts, whether it is done',
    tag: 'Recovery',
    success: { status: 200, schema: 'RecoveryRunRecord', example: { recovery: X.recoveryRun } },
  },
  'POST /v1/tenants/{tenant}/endpoints': {
    operationId: 'createEndpoint',
    summary: 'Add an endpoint',
    description: 'The answer carries the signing secret: it is never shown again (rotate it to get a new one).',
    tag: 'Endpoints',
    body: { schema: 'EndpointCreate', example: X.endpointCreate },
    success: { status: 201, schema: 'EndpointWithSecret', example: X.endpointWithSecret },
    errors: [422],
  },
  'GET /v1/tenants/{tenant}/endpoints': {
    operationId: 'listEndpoints',
    summary: 'List the tenant’s endpoints',
    tag: 'Endpoints',
    success: { status: 200, schema: 'EndpointList', example: { endpoints: [X.endpoint] } },
  },
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}': {
    operationId: 'getEndpoint',
    summary: 'Show an endpoint',
    tag: 'Endpoints',
    success: { status: 200, schema: 'EndpointOne', example: { endpoint: X.endpoint } },
  },
  'PATCH /v1/tenants/{tenant}/endpoints/{endpoint}': {
    operationId: 'updateEndpoint',
    summary: 'Change an endpoint (any fields); `enabled` disables or enables it',
    tag: 'Endpoints',
    body: { schema: 'EndpointUpdate', example: { description: 'Billing (EU)', filterTypes: ['invoice.*'] } },
    success: { status: 200, schema: 'EndpointOne', example: { endpoint: X.endpoint } },
    errors: [422],
  },
  'DELETE /v1/tenants/{tenant}/endpoints/{endpoint}': {
    operationId: 'deleteEndpoint',
    summary: 'Delete an endpoint',
    tag: 'Endpoints',
    success: { status: 200, schema: 'EndpointDeleted', example: { deleted: 'ep_1' } },
  },
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/rotate-secret': {
    operationId: 'rotateEndpointSecret',
    summary: 'Rotate the signing secret',
    description: 'The new secret is shown once; the old one keeps signing (as a second signature) for 24 hours.',
    tag: 'Endpoints',
    success: { status: 200, schema: 'EndpointWithSecret', example: X.rotated },
  },
  'GET /v1/tenants/{tenant}/endpoints/{endpoint}/status': {
    operationId: 'getEndpointStatus',
    summary: 'An endpoint’s health: state, success rate and latency over the last hour and day',
    tag: 'Endpoints',
    success: { status: 200, schema: 'EndpointStatus', example: X.status },
  },
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/recover': {
    operationId: 'recoverEndpoint',
    summary: 'Send again what an endpoint missed since a time (after an outage)',
    description: 'Body `{since, until?, label?}`: times as ISO 8601 with a zone, or epoch milliseconds.',
    tag: 'Recovery',
    success: {
      status: 202,
      schema: 'RecoveryRun',
      example: { recoveryId: 'rcv_1', queued: 3, alreadyQueued: 0, notRecoverable: 1 },
    },
    errors: [409],
  },
  'POST /v1/tenants/{tenant}/endpoints/{endpoint}/test': {
    operationId: 'sendTestEvent',
    summary: 'Send a test event to this endpoint alone',
    description:
      'The type defaults to the first catalogued type the endpoint receives, the payload to that type’s example. Watch the answer’s delivery to see the attempt.',
    tag: 'Endpoints',
    body: { schema: 'TestEventInput', example: { type: 'invoice.paid' }, optional: true },
    success: { status: 202, schema: 'TestEventSent', example: X.testEventSent },
    errors: [409],
  },
  'POST /v1/tenants/{tenant}/messages/replay': {
    operationId: 'replayMessages',
    summary: 'Replay stored messages of a time window to the tenant’s endpoints',
    description: 'Body `{since, until?, type?, endpoint?, label?}`.',
    tag: 'Recovery',
    success: {
      status: 202,
      schema: 'ReplayRun',
      example: { replayId: 'rpl_1', matched: 4, queued: 4, alreadyQueued: 0 },
    },
    errors: [409],
  },
  'GET /v1/tenants/{tenant}/deliveries': {
    operationId: 'listDeliveries',
    summary: 'List the tenant’s deliveries, newest first',
    tag: 'Deliveries',
    query: deliveryFilters,
    success: { status: 200, schema: 'DeliveryList', example: { deliveries: [X.delivery] } },
  },
  'GET /v1/tenants/{tenant}/deliveries/{delivery}': {
    operationId: 'getDelivery',
    summary: 'Show a delivery and its attempts',
    tag: 'Deliveries',
    success: { status: 200, schema: 'DeliveryDetail', example: { delivery: X.delivery, attempts: [X.attempt] } },
  },
  'POST /v1/tenants/{tenant}/deliveries/{delivery}/retry': {
    operationId: 'retryDelivery',
    summary: 'Retry a delivery now',
    description: 'Refused (409) while its endpoint is disabled: enable it, or `recover` it.',
    tag: 'Deliveries',
    errors: [409],
    success: { status: 202, schema: 'DeliveryOne', example: { delivery: X.delivery } },
  },
  'POST /v1/tenants/{tenant}/portal-sessions': {
    operationId: 'createPortalSession',
    summary: 'Open a portal session for the tenant',
    description:
      'A signed, short-lived link to the tenant portal (the token in its fragment). The portal can reach this tenant’s endpoints, deliveries and event types only; a read-only session changes nothing. Rotating the signing key revokes every session.',
    tag: 'Portal',
    body: { schema: 'PortalSessionInput', example: { expiresInSeconds: 3600, readOnly: false }, optional: true },
    success: { status: 201, schema: 'PortalSession', example: X.portalSession },
  },
  'GET /v1/event-types': {
    operationId: 'listEventTypes',
    summary: 'The event types catalog: each type’s description, payload schema and example',
    tag: 'Event types',
    success: { status: 200, schema: 'EventTypeCatalog', example: X.catalog },
  },
  'GET /v1/openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tag: 'Reference',
    success: { status: 200, schema: 'OpenApiDocument', example: { openapi: '3.1.0' } },
  },
};
