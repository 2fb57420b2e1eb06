/**
 * The CLI against a deployed stack, with moto standing in for AWS: `--stack` reads the outputs with CloudFormation
 * once and caches them; `events`, `queues` and `status` read the stack's table, queues, metrics and alarms, and
 * `events query --athena` runs in the stack's Athena workgroup (moto answers with rows queued through its test API).
 * (moto has no StartMessageMoveTask: `queues redrive --stack` is tested against aws-sdk-client-mock in
 * test/cli/deployed-redrive.test.ts.)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AthenaClient, CreateWorkGroupCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { OUTPUTS_CACHE_MS } from '../../cli/lib/deployed-stack';
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { SHARED_PIPELINE, TENANT_SOURCES } from '../../lambdas/core/kernel/metrics';
import type { StatusReport } from '../../local/status';
import { cli } from '../helpers/cli-io';
import { createFakeStack, FAKE_SOURCE, motoEnvironment, recentDatum } from './fake-stack';
import { clients, describeWithServer, TEST_CREDENTIALS, TEST_REGION } from './servers';

const STACK = 'FakeStack';

describeWithServer('moto', 'the CLI against a deployed stack (moto)', (server) => {
  let cacheDir: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'cli-cache-'));
    Object.assign(process.env, motoEnvironment(server().endpoint, cacheDir));
    await createFakeStack(server().endpoint, STACK);
  });
  afterEach(() => {
    rmSync(cacheDir, { recursive: true, force: true });
  });
  afterAll(() => {
    process.env = saved;
  });
  const config = () => ({ endpoint: server().endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });

  it('reads the outputs with one DescribeStacks and caches them in the cache directory for the next commands', async () => {
    const describe = vi.spyOn(CloudFormationClient.prototype, 'send');

    expect((await cli('queues', '--stack', STACK, '--json')).code).toBe(0);
    expect((await cli('status', '--stack', STACK, '--json')).code).toBe(0);

    expect(describe.mock.calls.filter(([command]) => command instanceof DescribeStacksCommand)).toHaveLength(1);
    expect(readdirSync(join(cacheDir, TEST_REGION))).toEqual([`${STACK}.json`]);
    describe.mockRestore();
  });

  it('asks CloudFormation again once the cached outputs are older than 15 minutes', async () => {
    await cli('queues', '--stack', STACK, '--json');
    const file = join(cacheDir, TEST_REGION, `${STACK}.json`);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { fetchedAt: number };
    writeFileSync(file, JSON.stringify({ ...cached, fetchedAt: cached.fetchedAt - OUTPUTS_CACHE_MS - 1 }));
    const cfn = new CloudFormationClient(config());
    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    cfn.destroy();

    const gone = await cli('queues', '--stack', STACK, '--json');

    expect(gone.code).toBe(1);
    expect(gone.stderr.join('\n')).toMatch(/stack_not_found/);
  });

  it('names a stack that does not exist', async () => {
    const { code, stderr } = await cli('status', '--stack', 'NoSuchStack');
    expect(code).toBe(1);
    expect(stderr.join('\n')).toMatch(/No stack NoSuchStack in us-east-1/);
    expect(existsSync(join(cacheDir, TEST_REGION, 'NoSuchStack.json'))).toBe(false);
  });

  it("endpoints --stack calls the stack's ApiUrl signed with SigV4 for execute-api (messages, deliveries: the same client)", async () => {
    const seen: Array<{ method: string; url: string; authorization: string }> = [];
    const api = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, authorization: String(req.headers.authorization) });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ endpoints: [] }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      await createFakeStack(server().endpoint, 'WithApi', `http://127.0.0.1:${(api.address() as AddressInfo).port}/`);

      const listed = await cli('endpoints', 'list', '--tenant', 'acme', '--stack', 'WithApi', '--json');

      expect(listed.code).toBe(0);
      expect(seen).toEqual([
        {
          method: 'GET',
          url: '/v1/tenants/acme/endpoints',
          authorization: expect.stringMatching(
            new RegExp(
              `^AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/\\d{8}/${TEST_REGION}/execute-api/`,
            ),
          ),
        },
      ]);
      expect(listed.stdout.join('\n')).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    } finally {
      api.close();
    }
  });

  it('events query --athena --stack runs the SQL in the stack’s workgroup and database, and prints Athena’s rows', async () => {
    // moto runs no SQL: it answers the next query with the rows queued here (its documented test API).
    const queued = await fetch(`${server().endpoint}/moto-api/static/athena/query-results`, {
      method: 'POST',
      body: JSON.stringify({
        region: TEST_REGION,
        results: [
          {
            rows: [
              { Data: [{ VarCharValue: 'source' }, { VarCharValue: 'n' }] },
              { Data: [{ VarCharValue: FAKE_SOURCE }, { VarCharValue: '3' }] },
            ],
            column_info: [
              { Name: 'source', Type: 'varchar', CatalogName: 'hive', SchemaName: '', TableName: '', Label: 'source' },
              { Name: 'n', Type: 'bigint', CatalogName: 'hive', SchemaName: '', TableName: '', Label: 'n' },
            ],
          },
        ],
      }),
    });
    expect(queued.status).toBe(201);
    // The workgroup the stack's archive creates (moto's CloudFormation does not make Athena workgroups).
    const athena = new AthenaClient(config());
    await athena.send(new CreateWorkGroupCommand({ Name: `${STACK}-archive` }));
    athena.destroy();
    const sent = vi.spyOn(AthenaClient.prototype, 'send');

    const r = await cli(
      'events',
      'query',
      'SELECT source, count(*) AS n FROM events GROUP BY source',
      '--athena',
      '--stack',
      STACK,
      '--json',
    );

    expect(r.stderr.join('\n')).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout[0]!)).toEqual({ columns: ['source', 'n'], rows: [[FAKE_SOURCE, '3']] });
    const start = sent.mock.calls.map(([c]) => c).find((c) => c instanceof StartQueryExecutionCommand);
    expect(start?.input).toMatchObject({
      QueryString: 'SELECT source, count(*) AS n FROM events GROUP BY source',
      WorkGroup: `${STACK}-archive`,
      QueryExecutionContext: { Database: 'webhook_archive' },
    });
    sent.mockRestore();
  });

  it('events list and show read the deployed events table', async () => {
    const { dynamo } = clients(server().endpoint);
    const store = new DynamoEventStore(dynamo, `${await tableName()}`);
    const base = { source: FAKE_SOURCE, type: 'invoice.paid', attempts: 0, expiresAt: 2_000_000_000 } as const;
    await store.tryReceive(
      { ...base, eventId: 'evt_1', status: 'received', receivedAt: 1_000, leaseToken: 't' },
      1_000,
    );
    await store.tryReceive(
      { ...base, eventId: 'evt_2', status: 'received', receivedAt: 2_000, leaseToken: 't' },
      2_000,
    );
    dynamo.destroy();

    const listed = await cli('events', 'list', '--stack', STACK, '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout[0]!) as Array<{ eventId: string }>).map((e) => e.eventId)).toEqual([
      'evt_2',
      'evt_1',
    ]);
    const shown = await cli('events', 'show', FAKE_SOURCE, 'evt_1', '--stack', STACK, '--json');
    expect(JSON.parse(shown.stdout[0]!)).toMatchObject({ eventId: 'evt_1', status: 'received', type: 'invoice.paid' });
    const missing = await cli('events', 'show', FAKE_SOURCE, 'evt_9', '--stack', STACK);
    expect(missing.stderr.join('\n')).toContain(`--stack ${STACK}`);
  });

  it("queues reads each source queue's waiting messages and its dead letters from SQS", async () => {
    const { sqs } = clients(server().endpoint);
    const url = (name: string) => sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((r) => r.QueueUrl!);
    const { queue, dlq } = await queueNames();
    await sqs.send(new SendMessageCommand({ QueueUrl: await url(queue), MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: await url(queue), MessageBody: 'b' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: await url(dlq), MessageBody: 'c' }));
    sqs.destroy();

    const { code, stdout } = await cli('queues', '--stack', STACK, '--json');

    expect(code).toBe(0);
    expect(JSON.parse(stdout[0]!)).toEqual([
      { queue: FAKE_SOURCE, waiting: 2, inFlight: 0, deadLetters: 1 },
      { queue: 'pipeline:shared', waiting: 0, inFlight: 0, deadLetters: 0 },
    ]);
  });

  it('status reads the counts from CloudWatch, the queues from SQS and the alarms in ALARM', async () => {
    const cloudwatch = new CloudWatchClient(config());
    const datum = recentDatum;
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: STACK,
        MetricData: [
          datum('Accepted', 5, { Source: FAKE_SOURCE }),
          datum('Duplicates', 1, { Source: FAKE_SOURCE }),
          datum('Rejected', 2, { Source: FAKE_SOURCE }),
          datum('Rejected', 2, { Source: FAKE_SOURCE, Reason: 'invalid_signature' }),
          ...[1, 2, 3, 4, 5].map((ms) => datum('IngestToPublishAge', ms * 100, { Source: FAKE_SOURCE })),
          // Every tenant source counts as one Source, the shared pipeline's processor as another.
          datum('Accepted', 3, { Source: TENANT_SOURCES }),
          datum('IngestToPublishAge', 100, { Source: SHARED_PIPELINE }),
          datum('IngestToPublishAge', 200, { Source: SHARED_PIPELINE }),
        ],
      }),
    );
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: `${STACK}-SourcestripeIngestDeadLetterAlarm-ABC`,
        AlarmDescription: 'Messages in the dead-letter queue of webhook source stripe',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: `${STACK}-SourcestripeIngestDeadLetterAlarm-ABC`,
        StateValue: 'ALARM',
        StateReason: 'test',
      }),
    );
    cloudwatch.destroy();

    const json = await cli('status', '--stack', STACK, '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout[0]!) as StatusReport;
    expect(report.stack).toBe(STACK);
    expect(report.sources).toEqual([
      expect.objectContaining({
        source: FAKE_SOURCE,
        accepted: 5,
        duplicates: 1,
        rejected: 2,
        rejectedBy: { invalid_signature: 2 },
        published: 5,
        waiting: 0,
        deadLetters: 0,
      }),
      expect.objectContaining({ source: TENANT_SOURCES, accepted: 3, rejected: 0 }),
      expect.objectContaining({ source: SHARED_PIPELINE, published: 2, waiting: 0, deadLetters: 0 }),
    ]);
    expect(report.sources[1]).not.toHaveProperty('waiting');
    expect(report.sources[2]).not.toHaveProperty('accepted');
    expect(report.queues.map((q) => q.queue)).not.toContain('pipeline:shared');
    expect(report.alarms).toEqual([
      {
        alarm: `${STACK}-SourcestripeIngestDeadLetterAlarm-ABC`,
        reason: 'Messages in the dead-letter queue of webhook source stripe',
      },
    ]);
    const text = await cli('status', '--stack', STACK);
    expect(text.stdout.join('\n')).toMatch(/Alarms firing \(1\)/);
  });

  async function tableName(): Promise<string> {
    const { stdout } = await cli('queues', '--stack', STACK, '--json');
    expect(stdout).toHaveLength(1);
    const cached = JSON.parse(readFileSync(join(cacheDir, TEST_REGION, `${STACK}.json`), 'utf8')) as {
      outputs: Record<string, string>;
    };
    return cached.outputs.EventsTableName!;
  }

  async function queueNames(): Promise<{ queue: string; dlq: string }> {
    await cli('queues', '--stack', STACK, '--json');
    const cached = JSON.parse(readFileSync(join(cacheDir, TEST_REGION, `${STACK}.json`), 'utf8')) as {
      outputs: Record<string, string>;
    };
    return {
      queue: cached.outputs.QueueUrlStripe!.split('/').pop()!,
      dlq: cached.outputs.DeadLetterQueueArnStripe!.split(':').pop()!,
    };
  }
});
