/**
 * `npm run cli -- send <source> --<variant>` against a local stack: the other content types and the
 * handshakes, printed as the provider would see the answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../helpers/cli-io';
import { registerAsRunning, startTestStack, type TestStack } from '../e2e/helpers';

let dir: string;
let t: TestStack;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-variants-'));
  t = await startTestStack({ dataDir: dir });
  registerAsRunning(dir, t.stack);
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const send = async (...args: string[]) => {
  const io = captureIo();
  const code = await runCli(['send', ...args, '--data-dir', dir], io);
  return { code, out: io.stdout, err: io.stderr };
};

describe('send --<variant>: other content types', () => {
  it('github --form posts payload=<JSON> as a form and reports it accepted and processed', async () => {
    const { code, out } = await send('github', '--form');

    expect(code).toBe(0);
    expect(out[0]).toMatch(
      new RegExp(`^→ POST ${t.stack.url}/webhooks/github {2}\\(github, github signature, form, \\d+ bytes\\)$`),
    );
    expect(out[1]).toMatch(/^← 202 accepted {2}id [0-9a-f-]{36} {2}in /);
    expect(out[2]).toMatch(/^ {2}processed: completed in \d+ ms/);
  });

  it('slack --slash-command shows the empty 200 Slack gets, the trigger_id sent, and the processing', async () => {
    const { code, out } = await send('slack', '--slash-command');

    expect(code).toBe(0);
    expect(out[0]).toMatch(/\(slack, slack signature, slash-command, \d+ bytes\)$/);
    expect(out[1]).toMatch(/^← 200 \(empty body\) {2}id \d+\.\d+\.[0-9a-f]{32} {2}in /);
    expect(out[2]).toMatch(/^ {2}processed: completed/);
  });

  it("slack --interaction --json: acknowledged, and the record's type is the payload's block_actions", async () => {
    const { code, out } = await send('slack', '--interaction', '--json');

    expect(code).toBe(0);
    const result = JSON.parse(out[0]!) as {
      outcome: string;
      status: number;
      id: string;
      record: { type: string; eventId: string; status: string };
    };
    expect(result).toMatchObject({
      outcome: 'acknowledged',
      status: 200,
      record: { type: 'block_actions', eventId: result.id, status: 'completed' },
    });
  });

  it('twilio --json-body posts JSON to a URL carrying bodySHA256', async () => {
    const { code, out } = await send('twilio', '--json-body', '--json');

    expect(code).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({
      outcome: 'accepted',
      status: 202,
      record: { type: 'delivered', status: 'completed' },
    });
    const shown = await send('twilio', '--json-body', '--no-wait');
    expect(shown.out[0]).toMatch(
      /^→ POST http:\/\/127\.0\.0\.1:\d+\/webhooks\/twilio\?bodySHA256=[0-9a-f]{64} {2}\(twilio, twilio signature, json-body, /,
    );
  });

  it('slack --slash-command --repeat counts the empty 200s as acknowledged', async () => {
    const { code, out } = await send(
      'slack',
      '--slash-command',
      '--url',
      t.stack.url,
      '--repeat',
      '6',
      '--concurrency',
      '3',
      '--json',
    );

    expect(code).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ sent: 6, acknowledged: 6, accepted: 0, rejected: 0, errors: 0 });
  });
});

describe('send --<variant>: handshakes', () => {
  it('slack --url-verification shows the echoed challenge and that it is the expected answer', async () => {
    const { code, out } = await send('slack', '--url-verification');

    expect(code).toBe(0);
    expect(out[1]).toMatch(/^← 200 application\/json \{"challenge":"[0-9a-f]{24}"\} {2}in /);
    expect(out[2]).toBe('  handshake answered as slack expects; nothing recorded, queued or published');
  });

  it('zoom --url-validation shows plainToken and a shortened encryptedToken', async () => {
    const { code, out } = await send('zoom', '--url-validation');

    expect(code).toBe(0);
    expect(out[1]).toMatch(
      /^← 200 application\/json \{"plainToken":"[0-9a-f]{24}","encryptedToken":"[0-9a-f]{12}…"\} {2}in /,
    );
    expect(out[2]).toBe('  handshake answered as zoom expects; nothing recorded, queued or published');
  });

  it('a handshake signed with the wrong secret is refused: exit 1', async () => {
    const { code, out } = await send('slack', '--url-verification', '--secret', '0123456789abcdef0123456789abcdef');

    expect(code).toBe(1);
    expect(out[1]).toMatch(/^← 401 invalid_signature/);
    expect(out[2]).toMatch(/^ {2}✗ not the answer slack expects/);
  });

  it('meta --subscribe makes the GET check with the local verify token (never printed) and gets the challenge back', async () => {
    const { code, out } = await send('meta', '--subscribe');

    expect(code).toBe(0);
    expect(out[0]).toMatch(
      /^→ GET http:\/\/127\.0\.0\.1:\d+\/webhooks\/meta\?hub\.mode=subscribe&hub\.verify_token=…&hub\.challenge=(\d+) {2}\(meta, meta subscription check, the source's verify token\)$/,
    );
    const challenge = /hub\.challenge=(\d+)/.exec(out[0]!)![1];
    expect(out[1]).toMatch(new RegExp(`^← 200 text/plain ${challenge} {2}in `));
    expect(out.join('\n')).not.toMatch(/local-meta-verify-token/);
  });

  it('meta --subscribe --verify-token <wrong>: 403, exit 1', async () => {
    const { code, out } = await send('meta', '--subscribe', '--verify-token', 'wrong', '--json');

    expect(code).toBe(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ status: 403, handshake: 'refused' });
  });
});

describe('send --<variant>: usage errors (exit 2)', () => {
  it.each([
    [['stripe', '--form'], /--form is for github; stripe has no variants/],
    [['slack', '--form'], /--form is for github; slack has --slash-command, --interaction, --url-verification/],
    [['slack', '--slash-command', '--interaction'], /One variant at a time: --slash-command, --interaction/],
    [['slack', '--url-verification', '--repeat', '2'], /A handshake is sent once/],
    [['meta', '--subscribe', '--repeat', '2'], /--subscribe is a handshake: it is sent once/],
  ])('send %j', async (args, message) => {
    const { code, err } = await send(...(args as string[]));

    expect(code).toBe(2);
    expect(err[0]).toMatch(message);
  });
});
