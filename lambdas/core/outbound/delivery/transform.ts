/**
 * Transform hooks: code that decides, per tenant, endpoint and event type, what body an endpoint gets.
 * Like the processor's routes (config/routes.ts): the first matching route wins; a message no
 * route matches is sent in the default Standard Webhooks shape `{"type","timestamp","data"}`.
 *
 * A transform returns the JSON text to send, or `undefined` to skip this endpoint for this message
 * (the delivery ends `skipped`, reason `transform`). It runs again on every attempt, so it must be
 * deterministic. Throwing, or returning text that is not JSON, fails the batch item: SQS retries it.
 *
 * @example
 * defineTransforms([
 *   { tenant: 'acme', endpoint: '*', type: 'invoice.*', transform: ({ message }) =>
 *       JSON.stringify({ kind: message.type, invoice: JSON.parse(message.payload).id }) },
 *   { tenant: '*', endpoint: 'ep_audit', type: 'internal.*', transform: () => undefined },
 * ]);
 */
import { matchesPattern } from '../event-filter';
import { TransformError } from '../errors';

export interface TransformInput {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly message: {
    readonly id: string;
    readonly type: string;
    /** The payload's JSON text exactly as accepted. */
    readonly payload: string;
    readonly createdAt: number;
  };
}

/** Returns the JSON text to send, or undefined to skip the endpoint. */
export type TransformFn = (input: TransformInput) => string | undefined;

export interface TransformRoute {
  /** Tenant id, or `*`. */
  readonly tenant: string;
  /** Endpoint id, or `*`. */
  readonly endpoint: string;
  /** Event-type pattern (event-filter.ts): exact, `prefix.*` or `*`. */
  readonly type: string;
  readonly transform: TransformFn;
}

/**
 * The default body, the Standard Webhooks payload shape. The payload text is embedded unchanged, so
 * large numbers keep their precision.
 */
export const standardBody: TransformFn = ({ message }) =>
  `{"type":${JSON.stringify(message.type)},"timestamp":${JSON.stringify(new Date(message.createdAt).toISOString())},"data":${message.payload}}`;

export type Transformer = (input: TransformInput) => string | undefined;

/** A transformer over `routes`, falling back to `standardBody`; it checks that what it returns is JSON. */
export function createTransformer(
  routes: readonly TransformRoute[],
  fallback: TransformFn = standardBody,
): Transformer {
  return (input) => {
    const route = routes.find(
      (r) =>
        (r.tenant === '*' || r.tenant === input.tenantId) &&
        (r.endpoint === '*' || r.endpoint === input.endpointId) &&
        matchesPattern(r.type, input.message.type),
    );
    const body = (route?.transform ?? fallback)(input);
    if (body === undefined) return undefined;
    if (typeof body !== 'string') throw new TransformError('a transform must return JSON text or undefined');
    try {
      JSON.parse(body);
    } catch {
      throw new TransformError(`the transform for ${input.message.type} returned text that is not JSON`);
    }
    return body;
  };
}

/** Declares transform routes with type checking; the identity at run time. */
export function defineTransforms(routes: readonly TransformRoute[]): readonly TransformRoute[] {
  return routes;
}
