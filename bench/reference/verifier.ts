/**
 * Cold-start reference for the verifier: only the AWS SDK clients and commands it calls, constructed
 * once at module scope as the real handler does. `bench:coldstart` compares the verifier with this.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});

/** Never invoked: it only keeps every command the verifier uses in the bundle. */
export const handler = async (): Promise<unknown> => [
  dynamo.send(new PutItemCommand({ TableName: 't', Item: {} })),
  dynamo.send(new UpdateItemCommand({ TableName: 't', Key: {} })),
  dynamo.send(new DeleteItemCommand({ TableName: 't', Key: {} })),
  dynamo.send(new GetItemCommand({ TableName: 't', Key: {} })),
  ConditionalCheckFailedException,
  sqs.send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: '' })),
  secrets.send(new GetSecretValueCommand({ SecretId: 's' })),
];
