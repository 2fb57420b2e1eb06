/**
 * Placeholder for a scheme that is registered but not implemented yet: it fails closed (every
 * request is rejected) so a source configured with it cannot let anything through.
 */
import { z } from 'zod';
import type { Scheme, SchemeName } from './types';

export function pendingScheme(name: SchemeName): Scheme<Record<string, unknown>> {
  return {
    name,
    optionsSchema: z.record(z.string(), z.unknown()),
    defaultToleranceSeconds: undefined,
    acceptsFutureTimestamps: false,
    contentType: 'json',
    verify: () => ({ valid: false, reason: 'unsupported_version', detail: `the ${name} scheme is not implemented yet` }),
    sign: () => {
      throw new Error(`the ${name} scheme is not implemented yet`);
    },
    checkSecret: () => undefined,
  };
}
