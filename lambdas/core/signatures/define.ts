/**
 * Turns a scheme's description into the `Scheme` its users call. Everything a scheme does is read
 * from the description here, so a scheme file holds data, not code paths of its own.
 */
import * as z from 'zod/mini';
import type { ContentTypeRule, Layout, SchemeDescription } from './description';
import { signLayout } from './sign';
import type { Scheme } from './types';
import { verifyLayout } from './verify';

/**
 * `build()` on the first call, the same value after that. Every schema here is built this way, on first use: the
 * verifier imports every scheme and, its sources checked at synth, builds none of their schemas at cold start.
 */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/** The options schema of every scheme that takes no options: one instance shared by all of them. */
export const noOptions = once(() => z.strictObject({}) as z.ZodMiniType<Record<string, never>>);

/** The checks every scheme makes on a configured secret. */
export function checkCommonSecret(secret: string): string | undefined {
  if (typeof secret !== 'string' || secret.length === 0) return 'the secret is empty';
  if (secret.trim() !== secret) return 'the secret has leading or trailing whitespace (a copy-paste slip?)';
  return undefined;
}

/** Both type parameters are inferred: `O` from `optionsSchema`, `N` from the `name` literal. */
export function defineScheme<O, const N extends string>(d: SchemeDescription<O, N>): Scheme<O, N> {
  // A source's options are parsed once, so its layout is worked out once per options object.
  const layouts = new WeakMap<object, Layout>();
  const layout = (options: O): Layout => {
    if (typeof d.layout !== 'function') return d.layout;
    const key = options as object;
    let l = layouts.get(key);
    if (!l) layouts.set(key, (l = d.layout(options)));
    return l;
  };
  return {
    name: d.name,
    docs: d.docs,
    get optionsSchema() {
      return d.optionsSchema();
    },
    ...(d.eventId && { eventId: d.eventId }),
    ...(d.eventType && { eventType: d.eventType }),
    ...(d.handshake && { handshake: d.handshake }),
    contentTypes: (options: O): readonly ContentTypeRule[] =>
      typeof d.contentTypes === 'function' ? d.contentTypes(options) : d.contentTypes,
    layout,
    verify: (request) => verifyLayout(layout(request.options), request),
    sign: (request) => signLayout(d.name, layout(request.options), request),
    checkSecret: (secret) => checkCommonSecret(secret) ?? d.checkSecret?.(secret),
    secretIssuer: d.secretIssuer ?? 'provider',
  };
}
