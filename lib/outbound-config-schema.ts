/**
 * The stack config's optional `outbound` key: turns on outbound delivery (table, KMS key, delivery queue,
 * worker, sweeper, IAM-authorized `/v1` routes). Absent, the stack has none of it. Kept apart from the sources
 * schema so each can change on its own.
 */
import * as z from 'zod/mini';
import { compileAllowlist } from '../lambdas/core/kernel/cidr';
import { DEFAULT_RETENTION, retentionSettingsSchema } from '../lambdas/core/outbound/retention';

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
  /**
   * Days each kind of outbound record is kept (DynamoDB TTL): `messagesDays` (also the idempotency window of a
   * message id), `deliveriesDays`, `attemptsDays`, `responseBodiesDays`; 30/30/30/7 by default. Recovery and replay
   * reach back min(messagesDays, deliveriesDays). Deliveries must outlive the retry schedule (config-checks.ts).
   */
  retention: z._default(retentionSettingsSchema, () => ({ ...DEFAULT_RETENTION })),
});

export type OutboundConfig = z.output<typeof outboundConfigSchema>;
