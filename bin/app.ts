/**
 * CDK app entry: reads the config, builds the stack, and checks it against the AWS Solutions rules.
 *
 * Environment knobs:
 * - WEBHOOK_STACK_NAME: stack name (default `WebhookIngestion`); also prefixes secret names.
 * The stack is environment-agnostic (no lookups), so synth needs no credentials; `cdk deploy`
 * takes the account and region from your AWS profile.
 * - CDK_VALIDATION=false: skip aws-cdk-lib's built-in CloudFormation validation (~3-5 s of a ~9 s
 *   synth). It runs by default here, on `cdk synth` and `cdk deploy`, where catching an invalid
 *   template before CloudFormation does is worth the time; the infra tests turn it off (they assert
 *   the template) and iterating locally can too.
 *
 * Offline and in CI, also set: CDK_DISABLE_VERSION_CHECK=true (no npm version lookup),
 * CDK_DISABLE_CLI_TELEMETRY=true (cdk.json already sets the `cli-telemetry: false` context, this
 * covers other apps), AWS_EC2_METADATA_DISABLED=true (no instance-metadata probe for credentials
 * off EC2). cdk.json turns notices off (`"notices": false`), so synth makes no network calls.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { portal } from '../config/portal';
import { relays } from '../config/relays';
import config from '../config/sources';
import { WebhookIngestionStack } from '../lib/webhook-ingestion-stack';

const app = new App();

new WebhookIngestionStack(app, 'WebhookIngestion', {
  stackName: process.env.WEBHOOK_STACK_NAME ?? 'WebhookIngestion',
  description: 'Serverless webhook ingestion: verify, record once, queue, process, fan out',
  config,
  relays,
  portal,
});

// cdk-nag 3 is a policy-validation plugin: findings fail the synth; each accepted one is
// acknowledged, with its reason, next to the construct it concerns (Validations.of().acknowledge).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
