/**
 * The event types catalog (config/event-types.ts): each type a tenant may receive, with a description, the schema
 * of its payload and an example. The schema is a zod (zod/mini) schema: intake validates payloads with it, and the
 * catalog (`GET /v1/event-types`, the portal, the OpenAPI document) shows it as JSON Schema (2020-12) made from it
 * by zod's own `toJSONSchema`, so what is documented is what is checked.
 */
import * as z from 'zod/mini';
import { BadRequestError, ConfigError } from '../kernel/errors';
import { describeIssues } from '../kernel/issues';
import { isEventType } from './event-filter';

export interface EventTypeDefinition {
  /** The event type, e.g. `invoice.paid` (event-filter.ts `isEventType`). */
  readonly name: string;
  readonly description: string;
  /** The payload's schema: any zod schema (use `zod/mini`, as the stack does, to keep the bundle small). */
  readonly schema: z.core.$ZodType;
  /** A payload that satisfies `schema` (checked when the catalog is defined): the portal's test events send it. */
  readonly example: unknown;
  /** Still delivered, but shown as deprecated. @default false */
  readonly deprecated?: boolean;
}

/**
 * Which messages intake checks against the catalog:
 * - `catalogued` (default): a message of a catalogued type must match its schema; other types pass unchecked;
 * - `strict`: as `catalogued`, and a type that is not in the catalog is refused;
 * - `off`: nothing is checked (the catalog only documents).
 */
export type PayloadValidation = 'catalogued' | 'strict' | 'off';

export interface EventTypeCatalog {
  readonly validation: PayloadValidation;
  readonly types: readonly EventTypeDefinition[];
}

/** A catalog entry as the API shows it. */
export interface EventTypeView {
  readonly name: string;
  readonly description: string;
  readonly schema: Record<string, unknown>;
  readonly example: unknown;
  readonly deprecated?: true;
}

/** An empty catalog: nothing documented, nothing checked. */
export const NO_EVENT_TYPES: EventTypeCatalog = { validation: 'catalogued', types: [] };

/** Checks a catalog once, where it is defined: names valid and unique, each example valid for its schema. */
export function defineEventTypes(catalog: {
  readonly validation?: PayloadValidation;
  readonly types: readonly EventTypeDefinition[];
}): EventTypeCatalog {
  const seen = new Set<string>();
  for (const t of catalog.types) {
    if (!isEventType(t.name))
      throw new ConfigError(`event type "${t.name}": not an event type (letters, digits, dots)`);
    if (seen.has(t.name)) throw new ConfigError(`event type "${t.name}" is defined twice`);
    seen.add(t.name);
    const checked = z.safeParse(t.schema, t.example);
    if (!checked.success)
      throw new ConfigError(
        `event type "${t.name}": its example does not match its schema: ${describeIssues(checked.error.issues, ['example'])}`,
      );
    jsonSchemaOf(t.schema, t.name);
  }
  return { validation: catalog.validation ?? 'catalogued', types: catalog.types };
}

const views = new WeakMap<EventTypeCatalog, readonly EventTypeView[]>();

/** The catalog as `GET /v1/event-types` shows it, sorted by name (computed once per catalog). */
export function catalogView(catalog: EventTypeCatalog): readonly EventTypeView[] {
  let view = views.get(catalog);
  if (!view) {
    view = [...catalog.types]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => ({
        name: t.name,
        description: t.description,
        schema: jsonSchemaOf(t.schema, t.name),
        example: t.example,
        ...(t.deprecated && { deprecated: true as const }),
      }));
    views.set(catalog, view);
  }
  return view;
}

/**
 * Refuses (400, naming the failing path: `payload.amount: must be of type number`) a payload its type's schema
 * rejects, and with `strict` validation a type the catalog does not have. A payload that is not JSON is left to
 * intake's own check.
 */
export function checkPayload(catalog: EventTypeCatalog, type: string, payload: string): void {
  if (catalog.validation === 'off') return;
  const definition = catalog.types.find((t) => t.name === type);
  if (!definition) {
    if (catalog.validation === 'strict')
      throw new BadRequestError(`type: "${type}" is not in the event types catalog (GET /v1/event-types).`);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return;
  }
  const checked = z.safeParse(definition.schema, value);
  if (!checked.success)
    throw new BadRequestError(
      `The payload does not match ${type}'s schema: ${describeIssues(checked.error.issues, ['payload'])}`,
    );
}

function jsonSchemaOf(schema: z.core.$ZodType, name: string): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `event type "${name}": its schema has no JSON Schema form (${error instanceof Error ? error.message : String(error)}); use plain data types`,
    );
  }
}
