/**
 * A table and its `--json` say the same thing: the JSON's field names are the table's headings (`IN FLIGHT` is
 * `inFlight`), and a cell shows the JSON's value, times included (ISO 8601 UTC in both). Regressions: `queues
 * --json` said `visible` where the table said `waiting`; `events list --json` gave epoch ms where the table showed
 * local dates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { startEmbeddedDynamo } from '../../local/dynamo';
import { writeStackState } from '../../local/state-file';
import { cli } from '../helpers/cli-io';
import { recordingServer, type RecordingServer } from '../helpers/recording-server';

/** `IN FLIGHT` → `inFlight`: the field a heading names. */
const field = (heading: string) => heading.toLowerCase().replace(/ ([a-z])/g, (_, c: string) => c.toUpperCase());
/** A table's lines as rows of cells (columns are two or more spaces apart; a cell has single spaces at most). */
const cells = (line: string) => line.trim().split(/ {2,}/);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  dirs.push(mkdtempSync(join(tmpdir(), 'cli-tables-')));
  return dirs.at(-1)!;
};

describe('queues', () => {
  let dir: string;
  let stack: RecordingServer;
  const nextVisibleAt = Date.now() + 60_000;
  beforeAll(async () => {
    dir = tempDir();
    // The stack's /_local/queues, answered by a stand-in that this data directory names as the running stack.
    stack = await recordingServer();
    stack.answer = {
      status: 200,
      body: {
        queues: {
          stripe: { visible: 2, inFlight: 1, deadLetters: 3, nextVisibleAt },
          'outbound:intake': { visible: 0, inFlight: 0, deadLetters: 0 },
        },
      },
    };
    writeStackState(dir, { pid: process.pid, url: stack.url, dynamoEndpoint: '', tableName: '', startedAt: '' });
  });
  afterAll(() => stack.close());

  it('--json has the rows of the table, under its headings, with the same values', async () => {
    const table = await cli('queues', '--data-dir', dir);
    const json = await cli('queues', '--data-dir', dir, '--json');

    const [headings, ...rows] = table.stdout.map(cells);
    const parsed = JSON.parse(json.stdout[0]!) as Record<string, unknown>[];
    expect(headings!.map(field)).toEqual(['queue', 'waiting', 'inFlight', 'deadLetters', 'visibleAgain']);
    expect(parsed).toEqual([
      {
        queue: 'stripe',
        waiting: 2,
        inFlight: 1,
        deadLetters: 3,
        visibleAgain: new Date(nextVisibleAt).toISOString(),
      },
      { queue: 'outbound:intake', waiting: 0, inFlight: 0, deadLetters: 0 },
    ]);
    rows.forEach((row, r) =>
      row.forEach((cell, c) => expect(cell.startsWith(String(parsed[r]![field(headings![c]!)]))).toBe(true)),
    );
    expect(rows[0]![4]).toMatch(/ \(in (59|60) s\)$/);
  });
});

describe('events', () => {
  let dir: string;
  const receivedAt = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  beforeAll(async () => {
    dir = tempDir();
    // A stopped stack's data on disk: the CLI opens it itself.
    const dynamo = await startEmbeddedDynamo({ path: join(dir, 'dynamodb') });
    const store = new DynamoEventStore(dynamo.client, dynamo.tableName);
    // Received, enqueued and processed 120 ms later, as the pipeline records it.
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const event = { source: 'stripe', eventId: 'evt_1', type: 'invoice.paid', receivedAt, expiresAt };
    await store.tryReceive(
      { ...event, status: 'received', attempts: 0, leaseToken: 'in', leaseUntil: receivedAt + 1000 },
      receivedAt,
    );
    await store.markEnqueued('stripe', 'evt_1', 'in', receivedAt + 5);
    await store.tryClaimProcessing({
      ...event,
      leaseToken: 'p',
      leaseUntil: receivedAt + 60_000,
      nowMs: receivedAt + 10,
    });
    await store.markCompleted('stripe', 'evt_1', 'p', receivedAt + 120);
    await dynamo.stop();
  });

  it('list --json names the table columns alike and gives the same times', async () => {
    const table = await cli('events', 'list', '--data-dir', dir);
    const json = await cli('events', 'list', '--data-dir', dir, '--json');

    const [headings, row] = table.stdout.map(cells);
    const [record] = JSON.parse(json.stdout[0]!) as Record<string, unknown>[];
    const columns = headings!.map(field);
    expect(columns).toEqual(['receivedAt', 'source', 'type', 'status', 'attempts', 'latencyMs', 'eventId']);
    expect(row).toEqual(columns.map((f) => String(record![f])));
    expect(record).toMatchObject({
      receivedAt: '2026-01-02T03:04:05.678Z',
      processedAt: '2026-01-02T03:04:05.798Z',
      latencyMs: 120,
      eventId: 'evt_1',
    });
    expect(record!.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('show labels each line with the field --json gives it', async () => {
    const text = await cli('events', 'show', 'stripe', 'evt_1', '--data-dir', dir);
    const json = await cli('events', 'show', 'stripe', 'evt_1', '--data-dir', dir, '--json');

    const record = JSON.parse(json.stdout[0]!) as Record<string, unknown>;
    const lines = text.stdout.map((l) => [field(l.slice(0, 12).trim()), l.slice(13)] as const);
    expect(lines.map(([f]) => f).sort()).toEqual(Object.keys(record).sort());
    for (const [f, value] of lines) expect(value.startsWith(String(record[f]))).toBe(true);
  });
});
