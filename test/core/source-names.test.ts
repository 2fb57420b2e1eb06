import { describe, expect, it } from 'vitest';
import { idProblem } from '../../lambdas/core/outbound/ids';
import { qualifiedName, sourcePath, TENANT_ID } from '../../lambdas/core/inbound/source-names';

describe('tenant source names', () => {
  it('accepts exactly the tenant ids the outbound API accepts', () => {
    const samples = ['acme', 'A_b-9', 'a'.repeat(64), 'a'.repeat(65), '', 'ac.me', 'ac/me', 'ac me', 'é', 'a#b', '*'];
    for (const tenant of samples)
      expect(TENANT_ID.test(tenant), tenant).toBe(idProblem('tenant', tenant) === undefined);
  });

  it('names events <tenant>.<id> and serves the source under /webhooks/t/', () => {
    expect(qualifiedName('acme', 'stripe')).toBe('acme.stripe');
    expect(sourcePath({ tenantId: 'acme', id: 'stripe', token: 'x'.repeat(22) })).toBe(
      `/webhooks/t/acme/stripe/${'x'.repeat(22)}`,
    );
  });
});
