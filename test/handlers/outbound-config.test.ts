import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contract';
import { outboundConfig } from '../../lambdas/wiring/outbound-env';

const RETENTION = { messagesDays: 30, deliveriesDays: 30, attemptsDays: 30, responseBodiesDays: 7 };
const env = {
  [ENV.outboundTable]: 'outbound',
  [ENV.deliveryQueueUrl]: 'https://sqs/q',
  [ENV.secretsKeyId]: 'arn:aws:kms:k',
  [ENV.operationsTopicArn]: 'arn:aws:sns:ops',
  [ENV.retention]: JSON.stringify(RETENTION),
  [ENV.payloadBucket]: 'payloads',
};

describe('outboundConfig()', () => {
  it('reads the table, queue, key, operations topic and allowed subnets (none by default)', () => {
    expect(outboundConfig(env)).toEqual({
      tableName: 'outbound',
      deliveryQueueUrl: 'https://sqs/q',
      secretsKeyId: 'arn:aws:kms:k',
      operationsTopicArn: 'arn:aws:sns:ops',
      allowedCidrs: [],
      retention: RETENTION,
      payloadBucket: 'payloads',
    });
    expect(outboundConfig({ ...env, [ENV.allowedCidrs]: '["10.1.0.0/16"]' }).allowedCidrs).toEqual(['10.1.0.0/16']);
  });

  it('fails at cold start naming every missing variable', () => {
    expect(() => outboundConfig({})).toThrow(
      /OUTBOUND_TABLE_NAME: is not set.*OUTBOUND_DELIVERY_QUEUE_URL: is not set.*OUTBOUND_SECRETS_KEY_ID: is not set.*OUTBOUND_OPERATIONS_TOPIC_ARN: is not set.*OUTBOUND_RETENTION: is not set.*OUTBOUND_PAYLOAD_BUCKET: is not set/,
    );
  });

  it('refuses allowed subnets that are not a JSON array of CIDRs', () => {
    expect(() => outboundConfig({ ...env, [ENV.allowedCidrs]: '10.0.0.0/8' })).toThrow(
      'OUTBOUND_ALLOWED_CIDRS: not valid JSON',
    );
    expect(() => outboundConfig({ ...env, [ENV.allowedCidrs]: '[1]' })).toThrow('JSON array of CIDR strings');
    expect(() => outboundConfig({ ...env, [ENV.allowedCidrs]: '["10.0.0.0/99"]' })).toThrow('OUTBOUND_ALLOWED_CIDRS');
  });

  it('reads the retention settings from OUTBOUND_RETENTION, a field left out taking its default', () => {
    expect(outboundConfig({ ...env, [ENV.retention]: '{"messagesDays":60,"deliveriesDays":45}' }).retention).toEqual({
      messagesDays: 60,
      deliveriesDays: 45,
      attemptsDays: 30,
      responseBodiesDays: 7,
    });
  });

  it('refuses retention settings that are not JSON, or break the schema, naming the variable and the field', () => {
    expect(() => outboundConfig({ ...env, [ENV.retention]: '30' })).toThrow(/^OUTBOUND_RETENTION: /);
    expect(() => outboundConfig({ ...env, [ENV.retention]: '{messagesDays: 30}' })).toThrow(
      'OUTBOUND_RETENTION: not valid JSON',
    );
    expect(() => outboundConfig({ ...env, [ENV.retention]: '{"attemptsDays":5,"responseBodiesDays":7}' })).toThrow(
      /OUTBOUND_RETENTION: responseBodiesDays: responseBodiesDays cannot exceed attemptsDays/,
    );
  });

  it('refuses a delivery retention shorter than the retry schedule: a last retry would find its delivery gone', () => {
    expect(() => outboundConfig({ ...env, [ENV.retention]: '{"messagesDays":5,"deliveriesDays":5}' })).toThrow(
      /OUTBOUND_RETENTION: deliveriesDays \(5\) must exceed the longest retry schedule/,
    );
  });
});
