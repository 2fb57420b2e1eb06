/**
 * The message attributes every event carries, on the ingest queue and on the topic: subscribers'
 * filter policies match on them (lib/filter-policy.ts), so their names are defined once, here.
 */
export const MESSAGE_ATTRIBUTES = {
  source: 'source',
  type: 'type',
  eventId: 'eventId',
} as const;

export type EventAttributes = { readonly [K in keyof typeof MESSAGE_ATTRIBUTES as (typeof MESSAGE_ATTRIBUTES)[K]]: string };

/** The attributes of one event. (Written with literal keys, which V8 builds fastest; the type ties them to MESSAGE_ATTRIBUTES.) */
export function eventAttributes(source: string, type: string, eventId: string): EventAttributes {
  return { source, type, eventId };
}
