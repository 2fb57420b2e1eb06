/**
 * YOUR EVENT TYPES CATALOG: each type your tenants may receive, with a description, the schema of its payload
 * (zod/mini, as the stack uses) and an example. It is shown at `GET /v1/event-types`, in the tenant portal (where
 * test events send the examples) and in the OpenAPI document, as JSON Schema made from the zod schema.
 *
 * `validation` decides what `POST /v1/tenants/{tenant}/messages` (and the intake queue) checks:
 * - `catalogued` (default): a message of a type listed here must match its schema, else 400 naming the field;
 * - `strict`: also refuses types not listed here;
 * - `off`: nothing is checked, the catalog only documents.
 * An example that does not match its own schema stops the stack at start (and the synth).
 */
import * as z from 'zod/mini';
import { defineEventTypes } from '../lambdas/core/outbound/event-types';

const money = z.int().check(z.minimum(0));

export const eventTypes = defineEventTypes({
  validation: 'catalogued',
  types: [
    {
      name: 'invoice.paid',
      description: 'An invoice was paid in full.',
      schema: z.object({
        invoice: z.string().check(z.minLength(1)),
        amount: money,
        currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))),
      }),
      example: { invoice: 'in_1', amount: 4200, currency: 'EUR' },
    },
    {
      name: 'invoice.payment_failed',
      description: 'A payment attempt for an invoice failed; another follows on the dunning schedule.',
      schema: z.object({
        invoice: z.string().check(z.minLength(1)),
        amount: money,
        attempt: z.int().check(z.minimum(1)),
        reason: z.enum(['card_declined', 'insufficient_funds', 'expired_card']),
      }),
      example: { invoice: 'in_2', amount: 990, attempt: 1, reason: 'card_declined' },
    },
    {
      name: 'customer.created',
      description: 'A customer account was opened.',
      schema: z.object({ customer: z.string().check(z.minLength(1)), email: z.email() }),
      example: { customer: 'cus_1', email: 'ada@example.com' },
    },
  ],
});
