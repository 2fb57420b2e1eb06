/**
 * Environment of the outbound functions, parsed once at cold start; a problem names the variable.
 * The names are the contract's (lambdas/contract.ts `ENV`), set by the constructs that are still to build.
 */
import { ENV } from '../contract';
import { EnvReader } from '../config';
import { ConfigError } from '../core/kernel/errors';
import { compileAllowlist } from '../core/kernel/cidr';

type Env = NodeJS.ProcessEnv;

export interface OutboundConfig {
  readonly tableName: string;
  readonly deliveryQueueUrl: string;
  readonly secretsKeyId: string;
  /** Where operator notifications are published (docs/outbound-notifications.md). */
  readonly operationsTopicArn: string;
  /** Subnets deliveries may reach although the SSRF guard refuses them (internal receivers). */
  readonly allowedCidrs: readonly string[];
}

export function outboundConfig(env: Env = process.env): OutboundConfig {
  const e = new EnvReader(env);
  const tableName = e.string(ENV.outboundTable);
  const deliveryQueueUrl = e.string(ENV.deliveryQueueUrl);
  const secretsKeyId = e.string(ENV.secretsKeyId);
  const operationsTopicArn = e.string(ENV.operationsTopicArn);
  e.done();
  const text = env[ENV.allowedCidrs] ?? '[]';
  let allowedCidrs: unknown;
  try {
    allowedCidrs = JSON.parse(text);
  } catch {
    throw new ConfigError(`${ENV.allowedCidrs}: not valid JSON`);
  }
  if (!Array.isArray(allowedCidrs) || !allowedCidrs.every((c) => typeof c === 'string')) throw new ConfigError(`${ENV.allowedCidrs}: expected a JSON array of CIDR strings`);
  try {
    compileAllowlist(allowedCidrs);
  } catch (error) {
    throw new ConfigError(`${ENV.allowedCidrs}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { tableName, deliveryQueueUrl, secretsKeyId, operationsTopicArn, allowedCidrs };
}
