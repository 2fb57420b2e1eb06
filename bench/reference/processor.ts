/**
 * Cold-start reference for a processor: only the AWS SDK clients and commands it calls, constructed
 * once at module scope as the real handler does. `bench:coldstart` compares the processor with this.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';

const dynamo = new DynamoDBClient({});
const sns = new SNSClient({});

/** Never invoked: it only keeps every command the processor uses in the bundle. */
export const handler = async (): Promise<unknown> => [
  dynamo.send(new UpdateItemCommand({ TableName: 't', Key: {} })),
  dynamo.send(new GetItemCommand({ TableName: 't', Key: {} })),
  ConditionalCheckFailedException,
  sns.send(new PublishBatchCommand({ TopicArn: 'arn', PublishBatchRequestEntries: [] })),
];
