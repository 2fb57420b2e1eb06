/**
 * What differs, per million events, between a tenant source (docs/sources.md: read from its table on a cache miss, secrets
 * sealed with KMS, the shared pipeline) and a config-file source (its own pipeline, its secret in Secrets Manager):
 * the rest of an event's path (API, verifier, events table, queue, processor, topic) is the same for both and is in
 * the main table of `npm run cost`.
 *
 * A cache miss is one eventually consistent GetItem (half a read unit: a source's record is under 4 KB) and one
 * KMS Decrypt. How often an event misses depends on how busy its source is: each warm verifier container reads a
 * source at most once per cache period, so with `r` events a second per source spread over `W` containers and a
 * cache of `T` seconds, the miss rate per event is min(1, W / (r × T)). Many quiet sources miss on nearly every
 * event; a busy one almost never. Pure: the prices and assumptions are parameters.
 */
import type { PriceTable } from './model';

export interface SourcePrices extends PriceTable {
  readonly sources: {
    readonly kmsKeyMonth: { readonly usd: number };
    readonly cloudWatchAlarmMonth: { readonly usd: number };
  };
}

export interface SourceScenario {
  readonly label: string;
  /** Sources sharing the traffic (tenant sources, or config sources). */
  readonly sources: number;
  readonly eventsPerDay: number;
  /** Warm verifier containers, each with its own caches. */
  readonly warmVerifiers: number;
  /** The tenant sources' cache (`tenantSources.cacheSeconds`, default 30). */
  readonly cacheSeconds: number;
  /** The config sources' secrets cache (`secretsCacheSeconds`, default 60). */
  readonly secretsCacheSeconds: number;
}

export interface SourceCost {
  /** Misses per event (tenant source). */
  readonly missRate: number;
  /** Dollars per event, with what each is made of. */
  readonly tenant: { readonly usd: number; readonly detail: string };
  readonly config: { readonly usd: number; readonly detail: string };
}

const perMillion = (p: { usd: number }) => p.usd / 1e6;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(2));

/** The per-event difference of the two kinds of source in `s`. */
export function sourceCost(s: SourceScenario, p: SourcePrices): SourceCost {
  const eventsPerMonth = s.eventsPerDay * 30;
  const perSourcePerSecond = s.eventsPerDay / 86_400 / s.sources;
  const missesPerEvent = (cacheSeconds: number) => Math.min(1, s.warmVerifiers / (perSourcePerSecond * cacheSeconds));
  const missRate = missesPerEvent(s.cacheSeconds);

  // Tenant source: per miss half a read unit and one Decrypt; the key is one for all sources. No secret, no alarm.
  const reads = missRate * 0.5 * perMillion(p.prices.dynamoDbReadRequestUnit);
  const decrypts = missRate * perMillion(p.prices.kmsRequest);
  const key = p.sources.kmsKeyMonth.usd / eventsPerMonth;
  const tenant = {
    usd: reads + decrypts + key,
    detail: `${fmt(missRate)} miss/event x (0.5 RRU + 1 KMS Decrypt) + the key's $${p.sources.kmsKeyMonth.usd}/month`,
  };

  // Config source: one secret a month, GetSecretValue (and the Decrypt Secrets Manager makes) once per secrets-cache
  // period per container it gets traffic in (the same rule), and, with its own pipeline (at most 40 sources a
  // stack), that pipeline's dead-letter alarm.
  const calls = missesPerEvent(s.secretsCacheSeconds);
  const alarm = s.sources <= 40 ? p.sources.cloudWatchAlarmMonth.usd : 0;
  const monthly = s.sources * (p.prices.secretsManagerSecretMonth.usd + alarm);
  const config = {
    usd:
      calls * (perMillion(p.prices.secretsManagerApiCall) + perMillion(p.prices.kmsRequest)) + monthly / eventsPerMonth,
    detail: `${fmt(calls)} GetSecretValue/event + ${s.sources} x ($${p.prices.secretsManagerSecretMonth.usd} secret${alarm ? ` + $${alarm} alarm` : ', shared pipeline'})/month`,
  };
  return { missRate, tenant, config };
}

const DEFAULTS = { warmVerifiers: 2, cacheSeconds: 30, secretsCacheSeconds: 60 } as const;

/** The scenarios `npm run cost` prints: many quiet sources, a few busy ones. */
export const SOURCE_SCENARIOS: readonly SourceScenario[] = [
  { label: '1,000 sources, 1M events/day', sources: 1000, eventsPerDay: 1e6, ...DEFAULTS },
  { label: '40 sources, 1M events/day', sources: 40, eventsPerDay: 1e6, ...DEFAULTS },
  { label: '10 sources, 10M events/day', sources: 10, eventsPerDay: 1e7, ...DEFAULTS, warmVerifiers: 10 },
];
