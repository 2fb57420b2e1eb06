/**
 * Under `--json`, a failure is JSON too: `{"error":{"code","message"}}` on stderr, nothing on stdout, with the
 * exit codes of the text output (2 for a usage error, 1 for any other failure).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-io';
import { recordingServer, type RecordingServer } from '../helpers/recording-server';

let api: RecordingServer;
let empty: string;
beforeAll(async () => {
  api = await recordingServer();
  api.answer = { status: 404, body: { error: 'not_found', message: 'No such delivery' } };
  empty = mkdtempSync(join(tmpdir(), 'cli-json-errors-'));
});
afterAll(async () => {
  await api.close();
  rmSync(empty, { recursive: true, force: true });
});

describe('errors under --json', () => {
  it.each([
    [['events', 'list', '--limit', 'x', '--json'], 2, { code: 'usage', message: '--limit must be a whole number' }],
    [['queues', '--json', '--bogus'], 2, { code: 'usage', message: 'unknown option --bogus' }],
    [
      ['queues', '--json', '--data-dir', '<empty>'],
      1,
      { code: 'stack_not_running', message: expect.stringMatching(/^No local stack is running on /) },
    ],
    [
      ['events', 'show', 'stripe', 'evt_1', '--json', '--data-dir', '<empty>'],
      1,
      { code: 'no_local_data', message: expect.stringMatching(/^No local data in /) },
    ],
    [
      ['deliveries', 'show', 'dlv_1', '--tenant', 'acme', '--json', '--url', '<api>'],
      1,
      { code: 'not_found', message: '404 not_found: No such delivery' },
    ],
  ])('%j: JSON on stderr, exit %i', async (args, exit, error) => {
    const r = await cli(...args.map((a) => (a === '<empty>' ? empty : a === '<api>' ? api.url : a)));

    expect(r.code).toBe(exit);
    expect(r.stdout).toEqual([]);
    expect(r.stderr).toHaveLength(1);
    expect(JSON.parse(r.stderr[0]!)).toEqual({ error });
  });

  it('without --json the same failure is one line of text', async () => {
    const r = await cli('deliveries', 'show', 'dlv_1', '--tenant', 'acme', '--url', api.url);

    expect(r).toEqual({ code: 1, stdout: [], stderr: ['deliveries failed: 404 not_found: No such delivery'] });
  });
});
