import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { eventTypes as configured } from '../../../config/event-types';
import { ConfigError } from '../../../lambdas/core/kernel/errors';
import {
  catalogView,
  checkPayload,
  defineEventTypes,
  type EventTypeDefinition,
} from '../../../lambdas/core/outbound/event-types';

const paid: EventTypeDefinition = {
  name: 'invoice.paid',
  description: 'paid',
  schema: z.object({
    invoice: z.string(),
    amount: z.int().check(z.minimum(0)),
    lines: z.array(z.object({ sku: z.string() })),
  }),
  example: { invoice: 'in_1', amount: 1, lines: [{ sku: 'a' }] },
};

function message(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

describe('event types catalog', () => {
  it('shows each type with its payload schema as JSON Schema 2020-12, sorted by name', () => {
    const catalog = defineEventTypes({ types: [paid, { ...paid, name: 'customer.created', deprecated: true }] });
    const view = catalogView(catalog);
    expect(view.map((t) => t.name)).toEqual(['customer.created', 'invoice.paid']);
    expect(view[0]!.deprecated).toBe(true);
    expect(view[1]!.schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['invoice', 'amount', 'lines'],
      properties: { amount: { type: 'integer', minimum: 0 } },
    });
    expect(view[1]!.example).toEqual(paid.example);
  });

  it('refuses a payload that does not match its type, naming the failing path', () => {
    const catalog = defineEventTypes({ types: [paid] });
    expect(
      message(() => checkPayload(catalog, 'invoice.paid', '{"invoice":"i","amount":-1,"lines":[{"sku":2}]}')),
    ).toBe(
      "The payload does not match invoice.paid's schema: payload.amount: must be at least 0; payload.lines.0.sku: must be of type string",
    );
  });

  it('accepts a matching payload, and types not in the catalog unless validation is strict', () => {
    const catalogued = defineEventTypes({ types: [paid] });
    expect(message(() => checkPayload(catalogued, 'invoice.paid', JSON.stringify(paid.example)))).toBeUndefined();
    expect(message(() => checkPayload(catalogued, 'order.created', '{}'))).toBeUndefined();
    const strict = defineEventTypes({ validation: 'strict', types: [paid] });
    expect(message(() => checkPayload(strict, 'order.created', '{}'))).toMatch(
      /^type: "order.created" is not in the event types catalog/,
    );
  });

  it('checks nothing when validation is off', () => {
    const off = defineEventTypes({ validation: 'off', types: [paid] });
    expect(message(() => checkPayload(off, 'invoice.paid', '{}'))).toBeUndefined();
  });

  it('refuses, where the catalog is defined, an example its schema rejects, a bad name and a name twice', () => {
    expect(() => defineEventTypes({ types: [{ ...paid, example: { invoice: 1 } }] })).toThrow(
      /event type "invoice.paid": its example does not match its schema: example.invoice: must be of type string/,
    );
    expect(() => defineEventTypes({ types: [{ ...paid, name: 'invoice paid' }] })).toThrow(ConfigError);
    expect(() => defineEventTypes({ types: [paid, paid] })).toThrow(/defined twice/);
  });

  it('refuses a schema that has no JSON Schema form', () => {
    expect(() =>
      defineEventTypes({ types: [{ ...paid, schema: z.custom<bigint>((v) => typeof v === 'bigint'), example: 1n }] }),
    ).toThrow(/has no JSON Schema form/);
  });

  it("the configured catalog's examples validate and its README example message passes", () => {
    for (const t of catalogView(configured))
      expect(message(() => checkPayload(configured, t.name, JSON.stringify(t.example)))).toBeUndefined();
    expect(message(() => checkPayload(configured, 'invoice.paid', '{"invoice":"in_1","amount":4200}'))).toBeUndefined();
  });
});
