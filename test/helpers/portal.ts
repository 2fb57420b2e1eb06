/**
 * The outbound API function with the tenant portal on, as the tests run it: the one composition on the embedded
 * DynamoDB (outbound-composition.ts) with a fixed signing key, a clock the test moves, and distinct endpoint ids.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventTypeCatalog } from '../../lambdas/core/outbound/event-types';
import { signSessionToken, type SessionScope } from '../../lambdas/core/portal/session-token';
import { DEFAULT_PORTAL_SETTINGS } from '../../lambdas/core/portal/settings';
import { createOutboundApiHandler } from '../../lambdas/outbound-api/create-handler';
import type { WebAssets } from '../../lambdas/core/portal/web-assets';
import type { ConsoleData } from '../../lambdas/core/console/ports';
import { callApi, type ApiAnswer } from './api-call';
import { NOW } from './outbound';
import { outboundUnderTest } from './outbound-composition';

export const PORTAL_KEY = 'portal-signing-key-for-tests-0123456789abcdef';

export function portalUnderTest(options: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly eventTypes?: EventTypeCatalog;
  readonly assets?: WebAssets;
  /** The operator console's data: the `/console` routes answer 404 without it. */
  readonly console?: ConsoleData;
}) {
  let key = PORTAL_KEY;
  let ids = 0;
  const clock = { now: NOW };
  const o = outboundUnderTest({
    dynamo: options.dynamo,
    tableName: options.tableName,
    now: () => clock.now,
    newEndpointId: () => `ep_${++ids}`,
    ...(options.eventTypes && { eventTypes: options.eventTypes }),
    portal: {
      keys: { current: async () => key },
      settings: DEFAULT_PORTAL_SETTINGS,
      ...(options.assets && { assets: options.assets }),
    },
  });
  const handler = createOutboundApiHandler({
    ...o.api,
    ...(options.console && { console: { data: options.console } }),
  });
  return {
    ...o,
    clock,
    handler,
    /** Rotates the signing key: every session signed before is refused. */
    rotateKey(next: string) {
      key = next;
    },
    /** A token for `tenant` as the session route signs it. */
    token(tenant: string, scope: SessionScope = 'write', ttlSeconds = 3600): string {
      return signSessionToken(key, { tenantId: tenant, scope, ttlSeconds }, clock.now);
    },
    call: (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer> =>
      callApi(handler, method, path, { ...(body !== undefined && { body }), ...(headers && { headers }) }),
    /** A portal request with `token`. */
    portal: (token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> =>
      callApi(handler, method, path, {
        ...(body !== undefined && { body }),
        headers: { authorization: `Bearer ${token}` },
      }),
  };
}
