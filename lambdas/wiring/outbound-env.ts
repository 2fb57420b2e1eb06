/**
 * Environment of the outbound functions, parsed once at cold start; a problem names the variable.
 * The names are the contract's (lambdas/contract.ts `ENV`), set by lib/constructs/outbound-delivery.ts.
 */
import { ENV } from '../contract';
import { EnvReader } from './inbound-env';
import { ConfigError } from '../core/kernel/errors';
import { compileAllowlist } from '../core/kernel/cidr';
import { formatIssues, ONE_SHOT } from '../core/kernel/config-parse';
import * as z from 'zod/mini';
import { relayRuleSchema, type RelayRule } from '../core/outbound/intake/relay';
import { portalSettingsSchema, type PortalSettings } from '../core/portal/settings';
import { checkAgainstSchedule, retentionSettingsSchema, type RetentionSettings } from '../core/outbound/retention';

type Env = NodeJS.ProcessEnv;

export interface OutboundConfig {
  readonly tableName: string;
  readonly deliveryQueueUrl: string;
  readonly secretsKeyId: string;
  /** Where operator notifications are published (docs/outbound-notifications.md). */
  readonly operationsTopicArn: string;
  /** Subnets deliveries may reach although the SSRF guard refuses them (internal receivers). */
  readonly allowedCidrs: readonly string[];
  /** How long each kind of record is kept (the TTL of every item), and so what recovery can reach. */
  readonly retention: RetentionSettings;
  /** The bucket of payloads too large for the table. */
  readonly payloadBucket: string;
}

export function outboundConfig(env: Env = process.env): OutboundConfig {
  const e = new EnvReader(env);
  const tableName = e.string(ENV.outboundTable);
  const deliveryQueueUrl = e.string(ENV.deliveryQueueUrl);
  const secretsKeyId = e.string(ENV.secretsKeyId);
  const operationsTopicArn = e.string(ENV.operationsTopicArn);
  const retentionText = e.string(ENV.retention);
  const payloadBucket = e.string(ENV.payloadBucket);
  e.done();
  const retention = parseRetention(retentionText);
  const text = env[ENV.allowedCidrs] ?? '[]';
  let allowedCidrs: unknown;
  try {
    allowedCidrs = JSON.parse(text);
  } catch {
    throw new ConfigError(`${ENV.allowedCidrs}: not valid JSON`);
  }
  if (!Array.isArray(allowedCidrs) || !allowedCidrs.every((c) => typeof c === 'string'))
    throw new ConfigError(`${ENV.allowedCidrs}: expected a JSON array of CIDR strings`);
  try {
    compileAllowlist(allowedCidrs);
  } catch (error) {
    throw new ConfigError(`${ENV.allowedCidrs}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { tableName, deliveryQueueUrl, secretsKeyId, operationsTopicArn, allowedCidrs, retention, payloadBucket };
}

/** The retention settings from their variable; refused, naming it, if invalid or shorter than the default retry schedule. */
function parseRetention(text: string): RetentionSettings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${ENV.retention}: not valid JSON`);
  }
  const parsed = retentionSettingsSchema.safeParse(value, ONE_SHOT);
  if (!parsed.success) throw new ConfigError(`${ENV.retention}: ${formatIssues(parsed.error).replaceAll('\n', '; ')}`);
  try {
    checkAgainstSchedule(parsed.data);
  } catch (error) {
    throw new ConfigError(`${ENV.retention}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parsed.data;
}

/** The relay function's rules (config/relays.ts, passed by the stack as JSON); refused, naming the variable, if invalid. */
export function relayRules(env: Env = process.env): readonly RelayRule[] {
  const e = new EnvReader(env);
  const text = e.string(ENV.relays);
  e.done();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${ENV.relays}: not valid JSON`);
  }
  const parsed = z.array(relayRuleSchema).safeParse(value, ONE_SHOT);
  if (!parsed.success) throw new ConfigError(`${ENV.relays}: ${formatIssues(parsed.error).replaceAll('\n', '; ')}`);
  return parsed.data;
}

/** The API function's portal: the signing key's secret and the settings (config/portal.ts), passed by the stack. */
export function portalConfig(env: Env = process.env): { signingSecretArn: string; settings: PortalSettings } {
  const e = new EnvReader(env);
  const signingSecretArn = e.string(ENV.portalSigningSecret);
  const text = e.string(ENV.portalSettings);
  e.done();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${ENV.portalSettings}: not valid JSON`);
  }
  const parsed = portalSettingsSchema.safeParse(value, ONE_SHOT);
  if (!parsed.success)
    throw new ConfigError(`${ENV.portalSettings}: ${formatIssues(parsed.error).replaceAll('\n', '; ')}`);
  return { signingSecretArn, settings: parsed.data };
}
