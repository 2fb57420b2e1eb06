import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contract';
import { outboundConfig } from '../../lambdas/outbound/config';

const env = { [ENV.outboundTable]: 'outbound', [ENV.deliveryQueueUrl]: 'https://sqs/q', [ENV.secretsKeyId]: 'arn:aws:kms:k', [ENV.operationsTopicArn]: 'arn:aws:sns:ops' };

describe('outboundConfig()', () => {
  it('reads the table, queue, key, operations topic and allowed subnets (none by default)', () => {
    expect(outboundConfig(env)).toEqual({ tableName: 'outbound', deliveryQueueUrl: 'https://sqs/q', secretsKeyId: 'arn:aws:kms:k', operationsTopicArn: 'arn:aws:sns:ops', allowedCidrs: [] });
    expect(outboundConfig({ ...env, [ENV.allowedCidrs]: '["10.1.0.0/16"]' }).allowedCidrs).toEqual(['10.1.0.0/16']);
  });

  it('fails at cold start naming every missing variable', () => {
    expect(() => outboundConfig({})).toThrow(/OUTBOUND_TABLE_NAME: is not set.*OUTBOUND_DELIVERY_QUEUE_URL: is not set.*OUTBOUND_SECRETS_KEY_ID: is not set.*OUTBOUND_OPERATIONS_TOPIC_ARN: is not set/);
  });

  it('refuses allowed subnets that are not a JSON array of CIDRs', () => {
    expect(() => outboundConfig({ ...env, [ENV.allowedCidrs]: '10.0.0.0/8' })).toThrow('OUTBOUND_ALLOWED_CIDRS: not valid JSON');
    expect(() => outboundConfig({ ...env, [ENV.allowedCidrs]: '[1]' })).toThrow('JSON array of CIDR strings');
    expect(() => outboundConfig({ ...env, [ENV.allowedCidrs]: '["10.0.0.0/99"]' })).toThrow('OUTBOUND_ALLOWED_CIDRS');
  });
});
