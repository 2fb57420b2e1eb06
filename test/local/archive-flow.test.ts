/**
 * Issue #19's "done when", through `npm start` (local/main.ts in a child process, on its own data directory) and
 * the CLI: events of several sources (one of 2 MB) are archived byte for byte, `events show --payload` prints the
 * exact bytes, `events query` counts them by type, `events replay` republishes each once to the `--forward`
 * receiver marked with `replayId`, a tampered archive entry is refused, and a replay killed with SIGKILL resumes
 * on the next start without publishing anything twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { ARCHIVE_PREFIXES } from '../../lambdas/core/archive/layout';
import type { ReplayJob } from '../../lambdas/core/archive/ports';
import { FileObjectStore } from '../../local/object-store';
import { post, signedRequest, waitFor } from '../e2e/helpers';
import { captureIo } from '../helpers/cli-io';

const REPO = join(import.meta.dirname, '..', '..');
let dir: string;
let stack: ChildProcess | undefined;
let url: string;
let receiver: Server;
let forwardUrl: string;
/** What the `--forward` receiver got: event id and replay id of each POST. */
const received: Array<{ eventId: string; replayId: string | undefined; body: string; size: string | undefined }> = [];
const sent = new Map<string, { source: string; sha: string }>();
const startedAt = new Date(Date.now() - 60_000).toISOString();

async function startStack(): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/main.ts', '--port', '0', '--data-dir', dir, '--quiet', '--forward', forwardUrl],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'error' } },
  );
  stack = child;
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited ${code}`)));
  });
  // The CLI finds the stack by its stack.json, written right after the banner.
  await waitFor('stack.json', () => {
    try {
      return JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')).pid === child.pid;
    } catch {
      return false;
    }
  });
}

async function cli(...args: string[]) {
  const io = captureIo();
  const code = await runCli([...args, '--data-dir', dir], io);
  return { code, io, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

async function replay(...args: string[]): Promise<ReplayJob> {
  const started = await cli('events', 'replay', '--since', startedAt, '--no-wait', '--json', ...args);
  expect(started.code, started.err).toBe(0);
  return JSON.parse(started.out) as ReplayJob;
}

async function job(id: string): Promise<ReplayJob> {
  const shown = await cli('events', 'replays', 'show', id, '--json');
  return JSON.parse(shown.out) as ReplayJob;
}

const done = (id: string) =>
  waitFor(
    `replay ${id} done`,
    async () => {
      const j = await job(id);
      return j.status === 'done' ? j : undefined;
    },
    60_000,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'archive-flow-'));
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        eventId: String(req.headers['x-webhook-eventid']),
        replayId: req.headers['x-webhook-replayid'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
        size: req.headers['x-webhook-extendedpayloadsize'] as string | undefined,
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  forwardUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/events`;
  await startStack();

  const big = Buffer.from(
    JSON.stringify({ id: 'evt_flow_big', object: 'event', type: 'invoice.paid', data: { pad: 'x'.repeat(2 << 20) } }),
  );
  const requests = [
    signedRequest(url, 'stripe', { id: 'evt_flow_1' }),
    signedRequest(url, 'stripe', { id: 'evt_flow_2' }),
    signedRequest(url, 'stripe', { body: big, id: 'evt_flow_big' }),
    ...Array.from({ length: 30 }, () => signedRequest(url, 'github')),
  ];
  for (const request of requests) {
    expect((await post(request)).status).toBe(202);
    sent.set(request.eventId!, {
      source: new URL(request.url).pathname.split('/')[2]!,
      sha: createHash('sha256').update(request.body).digest('hex'),
    });
  }
  await waitFor(
    'every event archived',
    async () => {
      const list = await cli('events', 'list', '--json', '--limit', '0');
      const records = JSON.parse(list.out) as Array<{ eventId: string; archivedAt?: number }>;
      return [...sent.keys()].every((id) => records.find((r) => r.eventId === id)?.archivedAt !== undefined);
    },
    60_000,
  );
}, 120_000);

afterAll(async () => {
  // Wait for the stack to exit before deleting its data directory: a draining stack still writes there.
  if (stack && stack.exitCode === null && stack.signalCode === null) {
    const exited = new Promise((r) => stack!.once('exit', r));
    stack.kill('SIGTERM');
    await exited;
  }
  await new Promise((r) => receiver.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('the archive, from npm start', () => {
  it('events show --payload prints the exact bytes sent (2 MB body included)', async () => {
    for (const id of ['evt_flow_1', 'evt_flow_big']) {
      const shown = await cli('events', 'show', 'stripe', id, '--payload');
      expect(shown.code, shown.err).toBe(0);
      expect(createHash('sha256').update(Buffer.concat(shown.io.bytes)).digest('hex')).toBe(sent.get(id)!.sha);
    }
  });

  it('delivers the 2 MB event as a pointer that the documented plain consumer resolves', async () => {
    const first = await waitFor('the big event forwarded', () =>
      received.find((r) => r.eventId === 'evt_flow_big' && r.replayId === undefined),
    );
    expect(first.size).toMatch(/^\d+$/);
    const example = '../../examples/resolve-pointer.mjs';
    const { resolveMessage } = (await import(example)) as {
      resolveMessage: (b: string, a: object, o: object) => Promise<string>;
    };
    const envelope = JSON.parse(
      await resolveMessage(first.body, { ExtendedPayloadSize: first.size }, { localArchive: join(dir, 'archive') }),
    );
    expect(envelope).toMatchObject({ id: 'evt_flow_big', source: 'stripe', type: 'invoice.paid' });
    expect(envelope.payload.data.pad).toHaveLength(2 << 20);
  });

  it('events query counts the archived events by type', async () => {
    const q = await cli(
      'events',
      'query',
      `SELECT source, type, count(*) AS n FROM events WHERE day >= '${startedAt.slice(0, 10)}' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(q.code, q.err).toBe(0);
    expect(q.io.stdout.map((l) => l.split('\t'))).toEqual([
      ['source', 'type', 'n'],
      ['github', 'push', '30'],
      ['stripe', 'invoice.paid', '1'],
      ['stripe', 'payment_intent.succeeded', '2'],
    ]);
  });

  it('events replay republishes each event once, marked with replayId', async () => {
    const started = await replay('--source', 'stripe');
    const finished = await done(started.id);
    expect(finished.counts).toMatchObject({ matched: 3, published: 3, refused: 0 });
    const replayed = await waitFor('3 replays forwarded', () => {
      const r = received.filter((x) => x.replayId === started.id);
      return r.length >= 3 ? r : undefined;
    });
    expect(replayed.map((r) => r.eventId).sort()).toEqual(['evt_flow_1', 'evt_flow_2', 'evt_flow_big']);
  });

  it('refuses a tampered archive entry on replay, and publishes the others', async () => {
    const archive = new FileObjectStore(join(dir, 'archive'));
    for (const key of await archive.list(`${ARCHIVE_PREFIXES.events}source=stripe/`)) {
      const path = archive.path(key);
      const lines = gunzipSync(readFileSync(path)).toString('utf8').trimEnd().split('\n');
      const tampered = lines.map((line) => {
        const row = JSON.parse(line);
        if (row.id !== 'evt_flow_2') return line;
        // A forger who rewrites the body and its hash: only the signature can tell.
        const body = row.body.replace('"livemode":false', '"livemode":true');
        return JSON.stringify({ ...row, body, body_sha256: createHash('sha256').update(body).digest('hex') });
      });
      writeFileSync(path, gzipSync(`${tampered.join('\n')}\n`));
    }
    const started = await replay('--source', 'stripe');
    const finished = await done(started.id);
    expect(finished.counts).toMatchObject({ published: 2, refused: 1 });
    expect(finished.failures).toEqual([{ id: 'evt_flow_2', reason: 'signature: signature_mismatch' }]);
  });

  it('resumes a replay killed with SIGKILL on the next start, publishing nothing twice', async () => {
    const started = await replay('--source', 'github', '--rate', '10/s');
    await waitFor('a first checkpoint', async () => (await job(started.id)).counts.published >= 10, 30_000);
    stack!.kill('SIGKILL');
    await new Promise((r) => stack!.once('exit', r));
    await startStack();

    const finished = await done(started.id);
    // Each of the 30 was published exactly once, or (at most one chunk, cut by the kill) counted uncertain.
    expect(finished.counts.published + finished.counts.uncertain).toBe(30);
    expect(finished.counts.uncertain).toBeLessThanOrEqual(10);
    const forwarded = () => received.filter((r) => r.replayId === started.id).map((r) => r.eventId);
    // Forwards the kill cut short are lost with the process (as a local topic's are), never sent twice.
    await waitFor('forwards delivered', () => forwarded().length >= finished.counts.published - 10);
    expect(new Set(forwarded()).size).toBe(forwarded().length);
  });
});
