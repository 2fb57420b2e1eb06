/**
 * The verifier's hand check of `WEBHOOK_SOURCES` (runtime-config.ts) against the schema it stands in
 * for (source-schema.ts): for generated inputs, mostly near-valid with one or more fields broken, both
 * must give the same verdict, the same sources when they accept, and name the same fields when they
 * refuse. This is what keeps the hand check from drifting (decision 0002).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuntimeSources } from '../../lambdas/core/inbound/runtime-config';
import { runtimeSourcesSchema } from '../../lambdas/core/inbound/source-schema';
import { SCHEME_NAMES } from '../../lambdas/core/signatures/index';

type Verdict = { readonly ok: true; readonly sources: unknown } | { readonly ok: false; readonly fields: string[] };

function bySchema(input: unknown): Verdict {
  const parsed = runtimeSourcesSchema.safeParse(input);
  if (parsed.success) return { ok: true, sources: parsed.data };
  // The hand check names the field (`0.allowedCidrs`), not what is wrong inside it, and each unknown key of a source.
  const fields = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => [...issue.path, key].slice(0, 2).join('.'))
      : [issue.path.slice(0, 2).join('.') || '(root)'],
  );
  return { ok: false, fields: [...new Set(fields)].sort() };
}

function byHand(input: unknown): Verdict {
  try {
    return { ok: true, sources: parseRuntimeSources(input) };
  } catch (error) {
    const lines = (error as Error).message.split('\n').slice(1);
    return { ok: false, fields: [...new Set(lines.map((line) => line.slice(0, line.lastIndexOf(': '))))].sort() };
  }
}

const json = fc.jsonValue({ maxDepth: 2 });
/** A good value for the field most of the time (so that whole lists pass too), otherwise an edge case or any JSON value. */
const field = <T>(good: fc.Arbitrary<T>, ...edges: unknown[]) =>
  fc.oneof(
    { weight: 60, arbitrary: good },
    { weight: 3, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: json },
  );
const ints = [0, -1, 1.5, 2 ** 53, -0, '60', null, Number.MAX_SAFE_INTEGER];
const locator = field(
  fc.oneof(fc.record({ header: fc.string({ minLength: 1 }) }), fc.record({ bodyPath: fc.string({ minLength: 1 }) })),
  {},
  { header: '' },
  { bodyPath: '' },
  { header: 'X-A', bodyPath: 'b' },
  { header: 'X-Id', fallback: { bodyPath: 'id' } },
  { header: 1 },
  [],
);
const fields = {
  id: field(fc.string(), 7, '', null),
  scheme: field(fc.constantFrom(...SCHEME_NAMES), 'nope', 'toString', 'Stripe', ''),
  options: field(fc.dictionary(fc.string(), json, { maxKeys: 3 }), [], null, 'x'),
  toleranceSeconds: field(fc.integer(), ...ints),
  maxBodyBytes: field(fc.integer({ min: 1, max: 300_000 }), ...ints),
  allowedCidrs: field(fc.array(fc.string(), { maxLength: 3 }), [1], ['a', null], {}, 'x'),
  eventId: locator,
  eventType: locator,
  dedupeSeconds: field(fc.integer({ min: 1 }), ...ints),
  queueUrl: field(fc.string({ minLength: 1 }), '', 1, null),
  secretId: field(fc.string({ minLength: 1 }), '', 1, null),
};
const unknownKey = fc.oneof(
  fc.constantFrom('extra', 'schemeOptions', 'dedupeWindowDays', 'fallback', ''),
  fc.string().filter((k) => !/[:\n]/.test(k) && k !== '__proto__'),
);
const source = fc
  .tuple(
    fc.record(fields, { requiredKeys: ['id', 'scheme', 'maxBodyBytes', 'dedupeSeconds', 'queueUrl', 'secretId'] }),
    fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(unknownKey, json) }),
  )
  .map(([s, extra]) => (extra && !Object.hasOwn(fields, extra[0]) ? { ...s, [extra[0]]: extra[1] } : s));
const sources = fc.array(fc.oneof({ weight: 30, arbitrary: source }, { weight: 1, arbitrary: json }), {
  minLength: 1,
  maxLength: 3,
});
const input = fc.oneof(
  { weight: 30, arbitrary: sources },
  { weight: 1, arbitrary: fc.constantFrom([], {}, null, 'x') },
  { weight: 1, arbitrary: json },
);

describe('parseRuntimeSources() against runtimeSourcesSchema', () => {
  it('accepts and refuses the same inputs, returns the same sources and names the same fields', () => {
    fc.assert(
      fc.property(input, (value) => {
        // Both see what the verifier sees: JSON.
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        expect(byHand(parsed)).toEqual(bySchema(parsed));
      }),
      { numRuns: 3000 },
    );
  });

  it('regression: agrees on options holding a __proto__ key (both drop it), found by the property above', () => {
    const tricky = JSON.parse(
      '[{"id":"a","scheme":"stripe","options":{"__proto__":{}},"maxBodyBytes":1,"dedupeSeconds":1,"queueUrl":"q","secretId":"s"}]',
    ) as unknown;
    expect(byHand(tricky)).toEqual(bySchema(tricky));
    expect(byHand(tricky)).toMatchObject({ ok: true, sources: [{ options: {} }] });
  });

  it('agrees on a valid source with every optional field, lower-casing the header', () => {
    const full = [
      {
        id: 'a',
        scheme: 'hmac',
        options: { header: 'x-sig' },
        toleranceSeconds: 300,
        maxBodyBytes: 1024,
        allowedCidrs: ['192.0.2.0/24'],
        eventId: { header: 'X-Id' },
        eventType: { bodyPath: 'type' },
        dedupeSeconds: 60,
        queueUrl: 'q',
        secretId: 's',
      },
    ];
    const verdict = byHand(full);
    expect(verdict).toEqual(bySchema(full));
    expect(verdict).toMatchObject({ ok: true, sources: [{ eventId: { header: 'x-id' } }] });
  });
});
