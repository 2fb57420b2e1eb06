import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { powertoolsLog } from '../../lambdas/adapters/powertools-log';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  UpdateItemCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { SecretsManagerSource } from '../../lambdas/adapters/secrets-manager-source';
import { DynamoEventStore, toRecord } from '../../lambdas/adapters/dynamo-event-store';
import { SnsTopic } from '../../lambdas/adapters/sns-topic';
import { manualClock } from '../helpers/fakes';

const sm = mockClient(SecretsManagerClient);
const ddb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);

describe('SecretsManagerSource', () => {
  beforeEach(() => sm.reset());

  it('serves from cache within the TTL and reloads after it, picking up a rotated secret', async () => {
    const clock = manualClock();
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: '{"current":"old"}' })
      .resolves({ SecretString: '{"current":"new","previous":"old"}' });
    const source = new SecretsManagerSource(new SecretsManagerClient({ region: 'us-east-1' }), 60_000, clock);

    expect(await source.getSecrets('s')).toEqual(['old']);
    clock.advance(59_000);
    expect(await source.getSecrets('s')).toEqual(['old']);
    clock.advance(2_000);
    expect(await source.getSecrets('s')).toEqual(['new', 'old']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('does not cache a failed load', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: 'x' });
    const source = new SecretsManagerSource(new SecretsManagerClient({ region: 'us-east-1' }), 60_000, manualClock());

    await expect(source.getSecrets('s')).rejects.toThrow('throttled');
    expect(await source.getSecrets('s')).toEqual(['x']);
  });
});

describe('DynamoEventStore', () => {
  beforeEach(() => ddb.reset());
  const store = () => new DynamoEventStore(new DynamoDBClient({ region: 'us-east-1' }), 'events');

  it('markCompleted() returns false when the lease was lost, and rethrows other errors', async () => {
    ddb
      .on(UpdateItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))
      .rejects(new Error('boom'));

    expect(await store().markCompleted('s', 'e', 't', 1)).toBe(false);
    await expect(store().markCompleted('s', 'e', 't', 1)).rejects.toThrow('boom');
  });

  it('tryClaimProcessing() reports the record that refused the claim, from the refusal itself', async () => {
    const item = { status: { S: 'completed' }, source: { S: 's' }, eventId: { S: 'e' }, processedAt: { N: '5' } };
    ddb
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {}, Item: item }));

    const result = await store().tryClaimProcessing({
      source: 's',
      eventId: 'e',
      type: 't',
      receivedAt: 0,
      leaseToken: 'x',
      leaseUntil: 1,
      expiresAt: 1,
      nowMs: 0,
    });

    expect(result).toEqual({
      claimed: false,
      existing: expect.objectContaining({ status: 'completed', processedAt: 5 }),
    });
    expect(ddb.commandCalls(UpdateItemCommand)[0]!.args[0].input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it('tryReceive() asks for the colliding record with the put and reads nothing more', async () => {
    const item = { status: { S: 'enqueued' }, source: { S: 's' }, eventId: { S: 'e' } };
    ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {}, Item: item }));

    const result = await store().tryReceive(
      {
        source: 's',
        eventId: 'e',
        status: 'received',
        type: 't',
        receivedAt: 0,
        attempts: 0,
        expiresAt: 1,
        leaseUntil: 1,
        leaseToken: 'x',
      },
      0,
    );

    expect(result).toEqual({ claimed: false, existing: expect.objectContaining({ status: 'enqueued' }) });
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it('toRecord() reads back every attribute it wrote', () => {
    expect(
      toRecord({
        source: { S: 's' },
        eventId: { S: 'e' },
        status: { S: 'failed' },
        type: { S: 't' },
        receivedAt: { N: '1' },
        attempts: { N: '3' },
        expiresAt: { N: '9' },
        error: { S: 'why' },
      }),
    ).toEqual({
      source: 's',
      eventId: 'e',
      status: 'failed',
      type: 't',
      receivedAt: 1,
      attempts: 3,
      expiresAt: 9,
      error: 'why',
    });
  });
});

describe('SnsTopic', () => {
  beforeEach(() => sns.reset());

  it('treats an entry SNS neither confirmed nor failed as failed', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [{ Id: 'e0' }], Failed: [] });
    const topic = new SnsTopic(new SNSClient({ region: 'us-east-1' }), 'arn:topic');

    const failed = await topic.publishBatch([
      { id: 'a', message: 'm', attributes: {} },
      { id: 'b', message: 'm', attributes: {} },
    ]);

    expect([...failed]).toEqual(['b']);
  });
});

describe('powertoolsLog()', () => {
  it('drops DEBUG lines below the logger level without calling Powertools, and passes the rest', () => {
    const logger = new Logger({ serviceName: 't', logLevel: 'INFO' });
    const debug = vi.spyOn(logger, 'debug');
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    const log = powertoolsLog(logger);
    log.debug('hidden', { a: 1 });
    log.info('shown', { b: 2 });

    expect(debug).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith('shown', { b: 2 });
  });

  it('keeps DEBUG lines when the logger level is DEBUG', () => {
    const logger = new Logger({ serviceName: 't', logLevel: 'DEBUG' });
    const debug = vi.spyOn(logger, 'debug').mockImplementation(() => undefined);

    powertoolsLog(logger).debug('visible');

    expect(debug).toHaveBeenCalledWith('visible');
  });

  it('keeps DEBUG lines in an execution environment that debug sampling picked at cold start', () => {
    // sampleRateValue 1: Powertools samples this environment for DEBUG when the Logger is built.
    const logger = new Logger({ serviceName: 't', logLevel: 'INFO', sampleRateValue: 1 });
    const debug = vi.spyOn(logger, 'debug').mockImplementation(() => undefined);

    powertoolsLog(logger).debug('sampled');

    expect(debug).toHaveBeenCalledWith('sampled');
  });
});
