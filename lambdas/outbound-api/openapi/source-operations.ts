/**
 * What each tenant sources route (`/v1/tenants/{tenant}/sources…`, lambdas/sources-api) does, takes and answers, for
 * the OpenAPI document: one entry per route (the record's type makes a route without one a compile error). Served by
 * its own function, described in the same document as the rest of `/v1`; the contract test
 * (test/handlers/openapi-sources-contract.test.ts) runs each route and checks its answer against its schema.
 */
import type { SourceRouteKey } from '../../sources-api/routes';
import type { Operation } from './operations';

const T0 = 1_780_000_000_000;

const view = {
  tenant: 'acme',
  id: 'github',
  scheme: 'github',
  options: {},
  maxBodyBytes: 204_800,
  allowedCidrs: [],
  dedupeWindowDays: 7,
  enabled: true,
  source: 'acme.github',
  path: '/webhooks/t/acme/github/cH8bKC2AuIT6UXVLdzqebw',
  url: 'https://api.example.com/webhooks/t/acme/github/cH8bKC2AuIT6UXVLdzqebw',
  createdAt: T0,
  updatedAt: T0,
};

export const SOURCE_OPERATIONS: Readonly<Record<SourceRouteKey, Operation>> = {
  'POST /v1/tenants/{tenant}/sources': {
    operationId: 'createSource',
    summary: 'Add a source the tenant’s provider posts to',
    description:
      'Give `secret` when the provider issues it (Stripe, GitHub, Shopify…); for a scheme whose secret the stack issues it is generated and answered here once. The answer’s `source.url` is where the provider delivers.',
    tag: 'Sources',
    body: {
      schema: 'SourceCreate',
      example: { id: 'github', scheme: 'github', secret: 'acme-github-webhook-secret', description: 'acme’s GitHub' },
    },
    success: { status: 201, schema: 'SourceCreated', example: { source: view } },
    errors: [409],
  },
  'GET /v1/tenants/{tenant}/sources': {
    operationId: 'listSources',
    summary: 'List the tenant’s sources, by id',
    tag: 'Sources',
    query: [
      {
        name: 'limit',
        description: 'At most this many (1-1000, default 100).',
        schema: { type: 'integer', minimum: 1, maximum: 1000 },
      },
      { name: 'cursor', description: 'The `cursor` of the previous page.', schema: { type: 'string' } },
    ],
    success: { status: 200, schema: 'SourceList', example: { sources: [view] } },
  },
  'GET /v1/tenants/{tenant}/sources/{source}': {
    operationId: 'getSource',
    summary: 'Show a source (never its secret)',
    tag: 'Sources',
    success: { status: 200, schema: 'SourceOne', example: { source: view } },
  },
  'PATCH /v1/tenants/{tenant}/sources/{source}': {
    operationId: 'updateSource',
    summary: 'Change a source (only the fields given; `null` removes one); `enabled` disables or enables it',
    tag: 'Sources',
    body: { schema: 'SourceUpdate', example: { rateLimit: { perSecond: 5, burst: 10 } } },
    success: { status: 200, schema: 'SourceOne', example: { source: view } },
  },
  'DELETE /v1/tenants/{tenant}/sources/{source}': {
    operationId: 'deleteSource',
    summary: 'Delete a source: its URL answers 404 within the verifier’s cache time',
    tag: 'Sources',
    success: { status: 200, schema: 'SourceDeleted', example: { deleted: 'github' } },
  },
  'POST /v1/tenants/{tenant}/sources/{source}/rotate-secret': {
    operationId: 'rotateSourceSecret',
    summary: 'Replace the secret; the old one still verifies for `graceSeconds` (24 h by default)',
    tag: 'Sources',
    body: { schema: 'SourceRotate', example: { secret: 'rolled-at-the-provider', graceSeconds: 3600 }, optional: true },
    success: {
      status: 200,
      schema: 'SourceCreated',
      example: { source: { ...view, previousSecretExpiresAt: T0 + 3_600_000 } },
    },
  },
};
