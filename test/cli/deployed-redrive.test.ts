/**
 * `queues redrive <source> --stack`: SQS's dead-letter move task, started for the source's dead-letter queue and
 * followed to its end. moto has no StartMessageMoveTask, so SQS and CloudFormation are aws-sdk-client-mock here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redriveDeadLetters } from '../../lambdas/adapters/console/sqs-queue-admin';
import { cli } from '../helpers/cli-io';

const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111122223333:Prod-SourcestripeIngestDeadLetterQueue-X';
const saved = { ...process.env };
let cacheDir: string;

beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'redrive-cache-'));
  Object.assign(process.env, {
    WEBHOOK_CLI_CACHE_DIR: cacheDir,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });
});
afterAll(() => {
  process.env = saved;
  rmSync(cacheDir, { recursive: true, force: true });
});
beforeEach(() => {
  cfn.reset();
  sqs.reset();
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'Prod',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'SourceIds', OutputValue: 'stripe' },
          { OutputKey: 'QueueUrlStripe', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q' },
          { OutputKey: 'DeadLetterQueueArnStripe', OutputValue: DLQ_ARN },
        ],
      },
    ],
  });
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

describe('queues redrive --stack', () => {
  it("starts the move task on the source's dead-letter queue (back to where the messages came from) and reports the count moved", async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 3 }],
    });

    const { code, stdout, stderr } = await cli(
      'queues',
      'redrive',
      'stripe',
      '--stack',
      'Prod',
      '--region',
      'eu-west-1',
    );

    expect(code).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({ SourceArn: DLQ_ARN });
    expect(stderr).toContain('COMPLETED: 3 of 3 moved');
    expect(stdout).toEqual(['3 dead-lettered messages moved back to the stripe queue (COMPLETED)']);
  });

  it('fails, naming the reason, when the task fails', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'FAILED', ApproximateNumberOfMessagesMoved: 1, FailureReason: 'AccessDenied' }],
    });

    const { code, stderr } = await cli(
      'queues',
      'redrive',
      'stripe',
      '--stack',
      'Prod',
      '--region',
      'eu-west-1',
      '--json',
    );

    expect(code).toBe(1);
    expect(stderr.join('\n')).toMatch(/redrive_failed.*FAILED: AccessDenied/);
  });

  it('refuses a queue the stack does not have, listing those it has', async () => {
    const { code, stderr } = await cli('queues', 'redrive', 'paddle', '--stack', 'Prod', '--region', 'eu-west-1');
    expect(code).toBe(2);
    expect(stderr.join('\n')).toMatch(/No queue "paddle" in Prod: stripe/);
  });

  it('follows a running task until it ends, reporting each reading', async () => {
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1 }] })
      .resolvesOnce({ Results: [{ TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 2 }] })
      .resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 }] });
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs/dlq' });
    const readings: string[] = [];

    const task = await redriveDeadLetters(
      new SQSClient({ region: 'eu-west-1' }),
      { name: 'stripe', url: 'https://sqs/q', deadLetterArn: DLQ_ARN },
      { pollMs: 1, onProgress: (t) => readings.push(`${t.Status} ${t.ApproximateNumberOfMessagesMoved}`) },
    );

    expect(readings).toEqual(['RUNNING 1', 'RUNNING 2', 'COMPLETED 3']);
    expect(task.Status).toBe('COMPLETED');
  });
});
