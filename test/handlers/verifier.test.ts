/**
 * The verifier handler end to end through the real adapters, with the AWS SDK mocked
 * (aws-sdk-client-mock): API Gateway event in, response and AWS calls out.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { SqsQueue } from '../../lambdas/adapters/sqs-queue';
import { SecretsManagerSource } from '../../lambdas/adapters/secrets-manager-source';
import { createVerifierHandler } from '../../lambdas/verifier/create-handler';
import { silentLog } from '../../lambdas/core/kernel/log';
import { manualClock, tokens } from '../helpers/fakes';
import { apiGatewayEvent, prepared, runtimeSource, SECRET, signedWebhook, QUEUE_URL } from '../helpers/webhook';

const ddb = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const sm = mockClient(SecretsManagerClient);
const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

function buildDeps() {
  const clock = manualClock();
  return {
    sources: prepared(runtimeSource()),
    store: new DynamoEventStore(new DynamoDBClient({ region: 'us-east-1' }), 'events'),
    queue: new SqsQueue(new SQSClient({ region: 'us-east-1' })),
    secrets: new SecretsManagerSource(new SecretsManagerClient({ region: 'us-east-1' }), 60_000, clock),
    clock,
    leaseMs: 30_000,
    newToken: tokens(),
    log: silentLog,
  };
}

function build() {
  const deps = buildDeps();
  return { handler: createVerifierHandler(deps), clock: deps.clock };
}

/** DynamoDB's refusal of a write made with `ReturnValuesOnConditionCheckFailure: ALL_OLD`: it carries the item it met. */
const conditionFailed = (item?: Record<string, AttributeValue>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item && { Item: item }),
  });

describe('verifier handler', () => {
  beforeEach(() => {
    ddb.reset();
    sqs.reset();
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: SECRET }) });
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
  });

  it('answers 202 accepted after one conditional put and one send', async () => {
    const { handler, clock } = build();

    const response = await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() })), context);

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ status: 'accepted', id: 'evt_1' });
    const put = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(#pk) OR (#status = :received AND #leaseUntil < :now)');
    expect(put.Item!.pk).toEqual({ S: 'stripe#evt_1' });
    const send = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(send.QueueUrl).toBe(QUEUE_URL);
    expect(send.MessageAttributes!.type).toEqual({ DataType: 'String', StringValue: 'invoice.paid' });
  });

  it('answers a Slack slash command with 200 and an empty body (Slack shows a body to the user), after recording and enqueuing it', async () => {
    const handler = createVerifierHandler({
      ...buildDeps(),
      sources: prepared(runtimeSource({ id: 'slack', scheme: 'slack' })),
    });
    const webhook = signedWebhook('slack', {
      nowMs: Date.UTC(2026, 10, 23, 12),
      body: 'command=%2Fdeploy&text=prod&trigger_id=1.2.3',
      contentType: 'application/x-www-form-urlencoded',
    });

    const response = await handler(apiGatewayEvent('slack', webhook), context);

    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('answers GET /webhooks/<meta source> with the challenge when the verify token in the secret matches', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: SECRET, verifyToken: 'vt-1' }) });
    const handler = createVerifierHandler({
      ...buildDeps(),
      sources: prepared(runtimeSource({ id: 'meta', scheme: 'meta' })),
    });
    const event = {
      ...apiGatewayEvent('meta', signedWebhook('meta', { body: '' })),
      rawQueryString: 'hub.mode=subscribe&hub.verify_token=vt-1&hub.challenge=42',
    };
    event.requestContext = { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } };

    expect(await handler(event, context)).toMatchObject({ statusCode: 200, body: '42' });
    expect(
      await handler({ ...event, rawQueryString: 'hub.mode=subscribe&hub.verify_token=vt-2&hub.challenge=42' }, context),
    ).toMatchObject({ statusCode: 403 });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('decodes an API Gateway base64 body before verifying it', async () => {
    const { handler, clock } = build();

    const response = await handler(
      apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() }), true),
      context,
    );

    expect(response.statusCode).toBe(202);
  });

  it('answers 200 duplicate when the event was already enqueued, without sending again', async () => {
    ddb.on(PutItemCommand).rejects(
      conditionFailed({
        pk: { S: 'stripe#evt_1' },
        status: { S: 'enqueued' },
        source: { S: 'stripe' },
        eventId: { S: 'evt_1' },
      }),
    );
    const { handler, clock } = build();

    const response = await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() })), context);

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'duplicate', id: 'evt_1' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it('answers 409 with Retry-After for a duplicate while the first attempt is in flight', async () => {
    const { handler, clock } = build();
    ddb
      .on(PutItemCommand)
      .rejects(conditionFailed({ status: { S: 'received' }, leaseUntil: { N: String(clock() + 12_000) } }));

    const response = await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() })), context);

    expect(response.statusCode).toBe(409);
    expect(response.headers['retry-after']).toBe('12');
    expect(JSON.parse(response.body).error).toBe('event_in_flight');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 503 and enqueues nothing when DynamoDB throttles', async () => {
    ddb.on(PutItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const { handler, clock } = build();

    const response = await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() })), context);

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({
      error: 'temporarily_unavailable',
      message: 'The event_store is temporarily unavailable.',
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('releases the record under its own lease and answers 503 when SQS fails', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('SQS is down'));
    ddb.on(DeleteItemCommand).resolves({});
    const { handler, clock } = build();

    const response = await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() })), context);

    expect(response.statusCode).toBe(503);
    const del = ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input;
    expect(del.Key).toEqual({ pk: { S: 'stripe#evt_1' } });
    expect(del.ConditionExpression).toBe('#leaseToken = :token AND #status = :received');
    expect(del.ExpressionAttributeValues![':token']).toEqual(
      ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!.leaseToken,
    );
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('answers 401 with a stable code and no detail an attacker could use for a bad signature', async () => {
    const { handler, clock } = build();

    const response = await handler(
      apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock(), secret: 'whsec_guess' })),
      context,
    );

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_signature',
      message: 'The webhook signature could not be verified.',
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 404 for an unknown source without touching AWS', async () => {
    const { handler, clock } = build();

    const response = await handler(apiGatewayEvent('../../etc', signedWebhook('stripe', { nowMs: clock() })), context);

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).error).toBe('unknown_source');
    expect(sm.calls()).toHaveLength(0);
  });

  it('caches the signing secret: two requests, one Secrets Manager call', async () => {
    const { handler, clock } = build();

    await handler(apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() })), context);
    await handler(
      apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock(), body: '{"id":"evt_2","type":"x"}' })),
      context,
    );

    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('turns an unexpected error into a generic 500 without its detail', async () => {
    const { handler, clock } = build();
    const event = apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() }));
    // A malformed event (no requestContext.http) is a bug upstream, not the caller's fault.
    const broken = { ...event, requestContext: {} } as unknown as typeof event;

    const response = await handler(broken, context);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: 'internal_error', message: 'Something went wrong.' });
  });

  it('answers GET /health with {"status":"ok"}', async () => {
    const { handler, clock } = build();
    const event = apiGatewayEvent('stripe', signedWebhook('stripe', { nowMs: clock() }));

    const response = await handler(
      {
        ...event,
        rawPath: '/health',
        routeKey: 'GET /health',
        requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } },
      },
      context,
    );

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });
});
