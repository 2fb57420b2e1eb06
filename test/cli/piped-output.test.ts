/**
 * The CLI's output is complete when piped, at any size: the process waits for stdout to drain
 * before exiting. Regression: `events list --limit 0 --json | cat` stopped at 65,536 bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEventStore } from '../../lambdas/adapters/dynamo-event-store';
import { startEmbeddedDynamo } from '../../local/dynamo';

const REPO = join(import.meta.dirname, '..', '..');
const RECORDS = 600;
let dir: string;

beforeAll(async () => {
  // A stopped stack's data on disk: the CLI opens it itself, so no stack needs to run.
  dir = mkdtempSync(join(tmpdir(), 'cli-piped-'));
  const dynamo = await startEmbeddedDynamo({ path: join(dir, 'dynamodb') });
  const store = new DynamoEventStore(dynamo.client, dynamo.tableName);
  const now = Date.now();
  for (let i = 0; i < RECORDS; i++) {
    await store.tryReceive(
      {
        source: 'stripe',
        eventId: `evt_${String(i).padStart(24, '0')}`,
        status: 'received',
        type: 'invoice.paid',
        receivedAt: now - i,
        attempts: 0,
        expiresAt: Math.floor(now / 1000) + 3600,
      },
      now,
    );
  }
  await dynamo.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `npm run --silent cli -- …` with its stdout into a pipe whose reader starts late, as `| cat`
 * on a busy machine. Through npm the pipe is non-blocking (npm shares it), so Node writes to it
 * asynchronously: the case that was cut at 64 KiB.
 */
function piped(args: string[]): { bytes: string; status: number | null } {
  const command = ['npm', 'run', '--silent', 'cli', '--', ...args].map((a) => `'${a}'`).join(' ');
  const run = spawnSync('sh', ['-c', `${command} | (sleep 1; cat)`], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { bytes: run.stdout, status: run.status };
}

describe('piped output', () => {
  it('events list --limit 0 --json | cat is complete past 64 KiB', () => {
    const { bytes, status } = piped(['events', 'list', '--limit', '0', '--json', '--data-dir', dir]);

    expect(status).toBe(0);
    expect(bytes.length).toBeGreaterThan(100 * 1024);
    expect(JSON.parse(bytes)).toHaveLength(RECORDS);
  });

  it('a reader that leaves early (| head) ends the CLI quietly with 0, not a stack trace about EPIPE', () => {
    const command = ['npm', 'run', '--silent', 'cli', '--', 'events', 'list', '--limit', '0', '--data-dir', dir]
      .map((a) => `'${a}'`)
      .join(' ');
    const run = spawnSync('bash', ['-c', `${command} | head -n 2 > /dev/null; echo "cli exit \${PIPESTATUS[0]}" >&2`], {
      cwd: REPO,
      encoding: 'utf8',
    });

    expect(run.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(run.stderr).toContain('cli exit 0');
  });
});
