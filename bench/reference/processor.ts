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
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';

const dynamo = new DynamoDBClient({});
const sns = new SNSClient({});
// The archive (#19): every processed event's body is written to S3, and a claim-checked body read from it.
const s3 = new S3Client({});

/** Never invoked: it only keeps every command the processor uses in the bundle. */
export const handler = async (): Promise<unknown> => [
  dynamo.send(new UpdateItemCommand({ TableName: 't', Key: {} })),
  dynamo.send(new GetItemCommand({ TableName: 't', Key: {} })),
  ConditionalCheckFailedException,
  sns.send(new PublishBatchCommand({ TopicArn: 'arn', PublishBatchRequestEntries: [] })),
  s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k' })),
  s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })),
  s3.send(new ListObjectsV2Command({ Bucket: 'b' })),
];
