/**
 * The per-scheme fixture (test/helpers/scheme-fixtures.ts) that the signature tests, the CLI round trip,
 * the end-to-end test and bench:signatures read.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type SchemeName, schemes } from '../../../lambdas/core/signatures/index';
import { fixtureEntries } from '../../helpers/scheme-fixtures';

describe('the scheme fixtures', () => {
  it.each(fixtureEntries())(
    "%s: the secret is in the provider's format (checkSecret finds nothing wrong)",
    (name, f) => {
      expect(schemes[name].checkSecret(f.secret)).toBeUndefined();
    },
  );

  it('are keyed by SchemeName, a union of the registered names, so a scheme without a fixture does not compile', () => {
    // Were a scheme's name widened to `string` (a `Scheme<O>` annotation), every Record<SchemeName, …> would stop
    // asking for new schemes; `npm run typecheck` fails here first.
    expectTypeOf<string>().not.toExtend<SchemeName>();
    expectTypeOf<'stripe' | 'hmac'>().toExtend<SchemeName>();
    expect(
      fixtureEntries()
        .map(([name]) => name)
        .sort(),
    ).toEqual(Object.keys(schemes).sort());
  });
});
