import { describe, expect, it } from 'vitest';
import { findScheme, SCHEME_NAMES, schemes } from '../../../lambdas/core/signatures/index';

describe('findScheme', () => {
  it('finds every registered scheme by its name', () => {
    for (const name of SCHEME_NAMES) expect(findScheme(name)).toBe(schemes[name]);
  });

  it('finds nothing for any other name, the registry object’s inherited ones included', () => {
    for (const name of ['nope', 'Stripe', '', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(findScheme(name), name).toBeUndefined();
  });
});
