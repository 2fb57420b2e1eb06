/**
 * `listen --stack` against a moto-backed stack, as the "done when" reads: events forwarded per a routing
 * file (and the --forward-to route), filtered by the subscription so an unrouted event never arrives, an event that
 * arrives while the receiver is down kept and delivered once it is back, and after `kill -9` the next `listen`
 * removes the queue and subscription the killed one left, and its own on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ListSubscriptionsByTopicCommand, PublishBatchCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { REPO_ROOT } from '../../lib/constructs/webhook-function';
import { LISTEN_QUEUE_PREFIX } from '../../cli/lib/stack-listener';
import { createFakeStack, motoEnvironment } from './fake-stack';
import { clients, describeWithServer, TEST_CREDENTIALS, TEST_REGION } from './servers';

const STACK = 'FakeStack';

interface Hit {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local receiver on a fixed port, that can be stopped and started again on it. */
class Receiver {
  readonly hits: Hit[] = [];
  private server: Server | undefined;
  port = 0;
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.hits.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server!.closeAllConnections();
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

describeWithServer('moto', 'listen --stack (moto)', (server) => {
  let dir: string;
  let topicArn: string;
  const children: ChildProcess[] = [];
  const invoices = new Receiver();
  const rest = new Receiver();
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'listen-stack-'));
    await createFakeStack(server().endpoint, STACK);
    const cfn = new CloudFormationClient({
      endpoint: server().endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    });
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: STACK }));
    topicArn = Stacks![0]!.Outputs!.find((o) => o.OutputKey === 'EventsTopicArn')!.OutputValue!;
    cfn.destroy();
    await invoices.start();
    await rest.start();
  });
  afterEach(async () => {
    for (const c of children) c.kill('SIGKILL');
    await invoices.stop().catch(() => undefined);
    await rest.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** `npm run cli -- listen --stack …` as a process of its own, with its stderr lines collected. */
  function listen(): {
    child: ChildProcess;
    stderr: string[];
    stdout: string[];
    said: (re: RegExp) => Promise<string>;
  } {
    const routes = join(dir, 'routes.json');
    writeFileSync(
      routes,
      JSON.stringify([{ forwardTo: `${invoices.url}/invoices`, source: ['stripe'], typePrefix: ['invoice.'] }]),
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/index.ts',
        'listen',
        '--stack',
        STACK,
        '--routes',
        routes,
        '--forward-to',
        `${rest.url}/rest`,
        '--source',
        'github',
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...motoEnvironment(server().endpoint, join(dir, 'cache')) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    const stderr: string[] = [];
    const stdout: string[] = [];
    child.stderr!.on('data', (c: Buffer) => stderr.push(...c.toString('utf8').split('\n').filter(Boolean)));
    child.stdout!.on('data', (c: Buffer) => stdout.push(...c.toString('utf8').split('\n').filter(Boolean)));
    const said = (re: RegExp) => until(`listen to say ${re}`, () => [...stderr, ...stdout].find((l) => re.test(l)));
    return { child, stderr, stdout, said };
  }

  const publish = async (...events: Array<{ source: string; type: string; id: string }>) => {
    const { sns } = clients(server().endpoint);
    await sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: events.map((e, i) => ({
          Id: `e${i}`,
          Message: JSON.stringify({ id: e.id, type: e.type }),
          MessageAttributes: Object.fromEntries(
            Object.entries({ source: e.source, type: e.type, eventId: e.id }).map(([k, v]) => [
              k,
              { DataType: 'String', StringValue: v },
            ]),
          ),
        })),
      }),
    );
    sns.destroy();
  };

  const listenQueues = async () => {
    const { sqs } = clients(server().endpoint);
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: LISTEN_QUEUE_PREFIX }));
    sqs.destroy();
    return QueueUrls;
  };
  const subscriptions = async () => {
    const { sns } = clients(server().endpoint);
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    sns.destroy();
    return Subscriptions;
  };

  it('forwards per the routes, keeps what arrives while a receiver is down, and cleans up after kill -9 and on exit', async () => {
    const first = listen();
    await first.said(/^Listening to FakeStack's events/);
    expect(await listenQueues()).toHaveLength(1);

    await publish(
      { source: 'stripe', type: 'invoice.paid', id: 'evt_1' },
      { source: 'stripe', type: 'charge.succeeded', id: 'evt_2' },
      { source: 'github', type: 'push', id: 'gh_1' },
    );
    await until('both receivers hit', () => (invoices.hits.length === 1 && rest.hits.length === 1 ? true : undefined));
    expect(invoices.hits[0]).toMatchObject({ path: '/invoices', body: '{"id":"evt_1","type":"invoice.paid"}' });
    expect(invoices.hits[0]!.headers).toMatchObject({
      'x-webhook-source': 'stripe',
      'x-webhook-type': 'invoice.paid',
      'x-webhook-event-id': 'evt_1',
    });
    expect(rest.hits[0]).toMatchObject({ path: '/rest', headers: { 'x-webhook-event-id': 'gh_1' } });

    await invoices.stop();
    await publish({ source: 'stripe', type: 'invoice.created', id: 'evt_3' });
    await first.said(/evt_3 .*FAILED \(ECONNREFUSED\), attempt 1; kept, retried in 2 s/);
    await invoices.start();
    await until('the kept event delivered', () =>
      invoices.hits.find((h) => h.headers['x-webhook-event-id'] === 'evt_3'),
    );
    // The subscription's filter kept the unrouted event out: it never reached the queue.
    expect([...invoices.hits, ...rest.hits].some((h) => h.headers['x-webhook-event-id'] === 'evt_2')).toBe(false);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(await listenQueues()).toHaveLength(1);
    expect(await subscriptions()).toHaveLength(1);

    const second = listen();
    await second.said(/^Removed webhook-listen-FakeStack-[0-9a-f]+ and its subscription, left by a listen/);
    await second.said(/^Listening to FakeStack's events/);
    expect(await listenQueues()).toHaveLength(1);
    second.child.kill('SIGINT');
    await new Promise((resolve) => second.child.once('exit', resolve));
    expect(second.stderr.at(-1)).toMatch(/^Removed webhook-listen-FakeStack-[0-9a-f]+ and its subscription\.$/);
    expect(await listenQueues()).toEqual([]);
    expect(await subscriptions()).toEqual([]);
  }, 90_000);
});

async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
