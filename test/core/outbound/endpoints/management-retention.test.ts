/** Endpoint create and update refuse a custom retry schedule that can outlast the deliveries' retention (400, saying why). */
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../lambdas/core/kernel/errors';
import { toHttpResponse } from '../../../../lambdas/core/kernel/http';
import { silentLog } from '../../../../lambdas/core/kernel/log';
import { createEndpoint, updateEndpoint } from '../../../../lambdas/core/outbound/endpoints/management';
import { retentionSettingsSchema } from '../../../../lambdas/core/outbound/retention';
import { ssrfPolicy } from '../../../../lambdas/core/outbound/delivery/ssrf';
import {
  endpoint,
  fakeCipher,
  FakeEndpointRepository,
  FakeResolver,
  NOW,
  RECEIVER_HOST,
  RECEIVER_IP,
  TENANT,
} from '../../../helpers/outbound';

/** Twelve 1-day delays: up to 15 days with +20 % jitter (Retry-After caps at 24 h). */
const LONG_SCHEDULE = Array.from({ length: 12 }, () => 86_400);
const SHORT_RETENTION = retentionSettingsSchema.parse({ messagesDays: 10, deliveriesDays: 10 });

function fixture(retention = SHORT_RETENTION) {
  const endpoints = new FakeEndpointRepository([{ ...endpoint() }]);
  const deps = {
    endpoints,
    cipher: fakeCipher,
    resolver: new FakeResolver({ [RECEIVER_HOST]: [RECEIVER_IP] }),
    ssrf: ssrfPolicy(),
    now: () => NOW,
    newId: () => 'ep_new',
    retention,
  };
  return { deps, endpoints };
}

describe('a custom retry schedule and the retention', () => {
  it('create refuses a schedule that can outlast the deliveries, with a 400 that says why', async () => {
    const { deps, endpoints } = fixture();

    const refused = createEndpoint(
      TENANT,
      { url: `https://${RECEIVER_HOST}/hooks`, retryDelaysSeconds: LONG_SCHEDULE },
      deps,
    );

    await expect(refused).rejects.toBeInstanceOf(BadRequestError);
    await expect(refused).rejects.toThrow(
      /^retryDelaysSeconds: this schedule can take up to 15 days .* deliveries are kept 10 days: its last retries would find the delivery gone/,
    );
    expect(toHttpResponse(await refused.catch((e: unknown) => e), silentLog).statusCode).toBe(400);
    expect(await endpoints.get(TENANT, 'ep_new')).toBeUndefined();
  });

  it('create accepts the same schedule when deliveries are kept longer than it', async () => {
    const { deps } = fixture(retentionSettingsSchema.parse({}));

    const { endpoint: created } = await createEndpoint(
      TENANT,
      { url: `https://${RECEIVER_HOST}/hooks`, retryDelaysSeconds: LONG_SCHEDULE },
      deps,
    );

    expect(created.retryDelaysSeconds).toEqual(LONG_SCHEDULE);
  });

  it('update refuses such a schedule and leaves the endpoint as it was', async () => {
    const { deps, endpoints } = fixture();

    await expect(updateEndpoint(TENANT, 'ep_1', { retryDelaysSeconds: LONG_SCHEDULE }, deps)).rejects.toThrow(
      /deliveries are kept 10 days/,
    );

    expect((await endpoints.get(TENANT, 'ep_1'))?.retryDelaysSeconds).toBeUndefined();
  });

  it('an endpoint on the default schedule is not checked against the retention by create or update', async () => {
    const { deps } = fixture();

    await createEndpoint(TENANT, { url: `https://${RECEIVER_HOST}/hooks` }, deps);
    expect((await updateEndpoint(TENANT, 'ep_1', { description: 'billing' }, deps)).description).toBe('billing');
  });
});
