/**
 * The stack config's optional `outbound` key (#12): turns on outbound delivery (table, KMS key, delivery queue,
 * worker, sweeper, IAM-authorized `/v1` routes). Absent, the stack has none of it. Kept apart from the sources
 * schema so each can change on its own.
 */
import * as z from 'zod/mini';
import { compileAllowlist } from '../lambdas/core/kernel/cidr';

export const outboundConfigSchema = z.strictObject({
  /** Subnets deliveries may reach although the SSRF guard refuses them (internal receivers). */
  allowedCidrs: z._default(
    z.array(z.string()).check(
      z.refine((cidrs) => {
        try {
          compileAllowlist(cidrs);
          return true;
        } catch {
          return false;
        }
      }, 'must be IPv4 or IPv6 CIDRs, e.g. 10.1.0.0/16'),
    ),
    [],
  ),
});

export type OutboundConfig = z.output<typeof outboundConfigSchema>;
