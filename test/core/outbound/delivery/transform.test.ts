import { describe, expect, it } from 'vitest';
import { TransformError } from '../../../../lambdas/core/outbound/errors';
import {
  createTransformer,
  defineTransforms,
  standardBody,
  type TransformInput,
} from '../../../../lambdas/core/outbound/delivery/transform';
import { NOW, PAYLOAD } from '../../../helpers/outbound';

const INPUT: TransformInput = {
  tenantId: 'acme',
  endpointId: 'ep_1',
  message: { id: 'msg_1', type: 'invoice.paid', payload: PAYLOAD, createdAt: NOW },
};
const routes = defineTransforms([
  { tenant: 'acme', endpoint: 'ep_1', type: 'invoice.*', transform: () => '{"route":"first"}' },
  { tenant: '*', endpoint: '*', type: '*', transform: () => '{"route":"catch-all"}' },
]);

describe('standardBody()', () => {
  it('wraps the payload text, unchanged, in the Standard Webhooks {type, timestamp, data} shape', () => {
    expect(standardBody(INPUT)).toBe(
      `{"type":"invoice.paid","timestamp":"${new Date(NOW).toISOString()}","data":${PAYLOAD}}`,
    );
    expect(standardBody(INPUT)).toContain('12345678901234567890');
  });
});

describe('createTransformer()', () => {
  it('uses the first route matching tenant, endpoint and type', () => {
    expect(createTransformer(routes)(INPUT)).toBe('{"route":"first"}');
  });

  it.each([
    ['another tenant', { ...INPUT, tenantId: 'globex' }],
    ['another endpoint', { ...INPUT, endpointId: 'ep_2' }],
    ['another type', { ...INPUT, message: { ...INPUT.message, type: 'customer.created' } }],
  ])('falls through to the next route for %s', (_what, input) => {
    expect(createTransformer(routes)(input)).toBe('{"route":"catch-all"}');
  });

  it('sends the standard body when no route matches', () => {
    expect(createTransformer([])(INPUT)).toBe(standardBody(INPUT));
  });

  it('passes undefined through: the endpoint is skipped for this message', () => {
    expect(
      createTransformer([{ tenant: '*', endpoint: '*', type: '*', transform: () => undefined }])(INPUT),
    ).toBeUndefined();
  });

  it('throws a TransformError when a transform returns text that is not JSON', () => {
    expect(() =>
      createTransformer([{ tenant: '*', endpoint: '*', type: '*', transform: () => '{oops' }])(INPUT),
    ).toThrow(TransformError);
  });

  it('throws a TransformError when a transform returns something other than text', () => {
    const returnsObject = (() => ({ not: 'text' })) as unknown as () => string;

    expect(() =>
      createTransformer([{ tenant: '*', endpoint: '*', type: '*', transform: returnsObject }])(INPUT),
    ).toThrow(TransformError);
  });
});
