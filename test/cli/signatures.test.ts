/**
 * `sign` and `verify`, run in-process with a fake CliIo (and a fake stdin), plus one real
 * `npm run --silent cli -- verify` per exit code to prove the entry point and its exit status.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCommand } from '../../cli/commands/sign';
import { verifyCommand } from '../../cli/commands/verify';
import { runCli } from '../../cli/index';
import { captureIo } from '../helpers/cli-io';
import { fixtureBody, fixtureEntries } from '../helpers/scheme-fixtures';
import { DEFAULT_URL } from '../helpers/signed-request';

const noStdin = () => Promise.reject(new Error('stdin was read'));
const stdinOf = (body: string | Buffer) => () => Promise.resolve(Buffer.from(body));

async function sign(args: readonly string[], stdin: () => Promise<Buffer> = noStdin) {
  const io = captureIo();
  const code = await signCommand(stdin).run(args, io);
  return { code, ...io };
}

async function verify(args: readonly string[], stdin: () => Promise<Buffer> = noStdin) {
  const io = captureIo();
  const code = await verifyCommand(stdin).run(args, io);
  return { code, ...io };
}

/** Through the dispatcher, for exit code 2 (usage errors are thrown by the command and mapped there). */
async function cli(args: readonly string[]) {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, ...io };
}

const NOW = 1_704_067_200;
const BODY = '{"id":"evt_1","type":"invoice.paid","data":{"object":{"amount":100}}}';
const PRETTY = `${JSON.stringify(JSON.parse(BODY), null, 2)}\n`;

let dir: string;
let bodyFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-signatures-'));
  bodyFile = join(dir, 'event.json');
  writeFileSync(bodyFile, BODY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('sign → verify round trip', () => {
  for (const [scheme, fixture] of fixtureEntries()) {
    it(`${scheme}: the headers sign prints are accepted by verify`, async () => {
      const body = file(`${scheme}.body`, fixtureBody(scheme, NOW));
      // Every scheme is given the URL (twilio and square sign it) and its fixture's configured options.
      const common = [
        '--url',
        DEFAULT_URL,
        ...Object.entries(fixture.configured ?? {}).flatMap(([key, value]) => ['--option', `${key}=${value}`]),
      ];

      const signed = await sign([
        '--scheme',
        scheme,
        '--secret',
        fixture.secret,
        '--timestamp',
        String(NOW),
        '--body-file',
        body,
        ...common,
        ...(fixture.signFlags ?? []),
      ]);
      const verified = await verify([
        '--scheme',
        scheme,
        '--secret',
        fixture.secret,
        '--body-file',
        body,
        '--now',
        String(NOW + 2),
        ...signed.stdout.flatMap((line) => ['--header', line]),
        ...common,
      ]);

      expect(signed.code).toBe(0);
      expect(signed.stdout[0]).toMatch(/^Content-Type: application\/(json|x-www-form-urlencoded)$/);
      expect(signed.stdout.every((line) => /^[A-Za-z0-9-]+: \S/.test(line))).toBe(true);
      if (scheme !== 'gitlab') expect(signed.stdout.join('\n')).not.toContain(fixture.secret);
      expect(verified).toMatchObject({ code: 0, stdout: ['valid'] });
    });
  }
});

describe('sign', () => {
  it('prints Content-Type and the scheme\'s headers, one "Name: value" per line', async () => {
    const { code, stdout } = await sign([
      '--scheme',
      'stripe',
      '--secret',
      'whsec_abc',
      '--timestamp',
      String(NOW),
      '--body-file',
      bodyFile,
    ]);

    const digest = createHmac('sha256', 'whsec_abc').update(`${NOW}.${BODY}`).digest('hex');
    expect(code).toBe(0);
    expect(stdout).toEqual(['Content-Type: application/json', `Stripe-Signature: t=${NOW},v1=${digest}`]);
  });

  it('reads the body from stdin without --body-file', async () => {
    const fromFile = await sign(['--scheme', 'github', '--secret', 's3cret', '--body-file', bodyFile]);
    const fromStdin = await sign(['--scheme', 'github', '--secret', 's3cret'], stdinOf(BODY));
    expect(fromStdin.stdout).toEqual(fromFile.stdout);
  });

  it('--curl prints a complete command sending the file byte for byte', async () => {
    const { stdout } = await sign([
      '--scheme',
      'github',
      '--secret',
      's3cret',
      '--body-file',
      bodyFile,
      '--curl',
      'http://127.0.0.1:3000/webhooks/github',
    ]);

    expect(stdout).toHaveLength(1);
    const command = stdout[0]!;
    expect(command).toMatch(/^curl -sS -X POST http:\/\/127\.0\.0\.1:3000\/webhooks\/github/);
    expect(command).toContain("-H 'Content-Type: application/json'");
    expect(command).toMatch(/-H 'X-Hub-Signature-256: sha256=[0-9a-f]{64}'/);
    expect(command).toContain(`--data-binary @${bodyFile}`);
    expect(command).not.toContain('s3cret');
  });

  it('--curl inlines a body read from stdin, quoted for the shell', async () => {
    const { stdout } = await sign(
      ['--scheme', 'github', '--secret', 's3cret', '--curl', 'http://localhost/x'],
      stdinOf(`{"it's":1}`),
    );
    expect(stdout[0]).toContain(`--data-binary '{"it'\\''s":1}'`);
  });

  it('--curl also gives Twilio the URL to sign', async () => {
    const viaCurl = await sign(
      [
        '--scheme',
        'twilio',
        '--secret',
        '0123456789abcdef0123456789abcdef',
        '--curl',
        'https://example.com/sms',
        '--json',
      ],
      stdinOf('Body=hi'),
    );
    const viaUrl = await sign(
      [
        '--scheme',
        'twilio',
        '--secret',
        '0123456789abcdef0123456789abcdef',
        '--url',
        'https://example.com/sms',
        '--json',
      ],
      stdinOf('Body=hi'),
    );
    expect(JSON.parse(viaCurl.stdout[0]!)).toEqual(JSON.parse(viaUrl.stdout[0]!));
  });

  it('gives a form body the form content type where the scheme declares both (a GitHub form delivery, a Slack slash command)', async () => {
    const github = await sign(
      ['--scheme', 'github', '--secret', 's3cret', '--json'],
      stdinOf(`payload=${encodeURIComponent(BODY)}`),
    );
    const slack = await sign(
      ['--scheme', 'slack', '--secret', '8f742231b10e8888abcd99ffe0d85a5f', '--json'],
      stdinOf('command=%2Fdeploy&text=staging&trigger_id=1.2.3'),
    );
    const json = await sign(['--scheme', 'github', '--secret', 's3cret', '--json'], stdinOf(` ${BODY}`));
    const stripeForm = await sign(['--scheme', 'stripe', '--secret', 'whsec_abc', '--json'], stdinOf('a=1'));

    expect(JSON.parse(github.stdout[0]!).headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse(slack.stdout[0]!).headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse(json.stdout[0]!).headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(stripeForm.stdout[0]!).headers['Content-Type']).toBe('application/json');
  });

  it('--json prints the headers as an object', async () => {
    const { stdout } = await sign(
      ['--scheme', 'slack', '--secret', '8f742231b10e8888abcd99ffe0d85a5f', '--timestamp', String(NOW), '--json'],
      stdinOf(BODY),
    );
    expect(JSON.parse(stdout[0]!)).toEqual({
      headers: {
        'Content-Type': 'application/json',
        'X-Slack-Signature': expect.stringMatching(/^v0=[0-9a-f]{64}$/),
        'X-Slack-Request-Timestamp': String(NOW),
      },
    });
  });

  it('warns on stderr about a secret checkSecret() finds wrong, and still signs', async () => {
    const { code, stdout, stderr } = await sign([
      '--scheme',
      'stripe',
      '--secret',
      'sk_live_123',
      '--body-file',
      bodyFile,
    ]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(2);
    expect(stderr).toEqual([expect.stringMatching(/^warning: secret #1: .*whsec_/)]);
    expect(stderr.join('')).not.toContain('sk_live_123');
  });

  it('--secret-env reads the secret from the environment', async () => {
    process.env.TEST_SIGN_SECRET = 's3cret';
    try {
      const viaEnv = await sign(['--scheme', 'github', '--secret-env', 'TEST_SIGN_SECRET', '--body-file', bodyFile]);
      const direct = await sign(['--scheme', 'github', '--secret', 's3cret', '--body-file', bodyFile]);
      expect(viaEnv.stdout).toEqual(direct.stdout);
    } finally {
      delete process.env.TEST_SIGN_SECRET;
    }
  });

  it('exits 2 for gitlab without --reveal-token: its header is the secret', async () => {
    const { code, stdout, stderr } = await cli([
      'sign',
      '--scheme',
      'gitlab',
      '--secret',
      'gitlab-token',
      '--body-file',
      bodyFile,
    ]);
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join('\n')).toMatch(/--reveal-token/);
    expect(stderr.join('\n')).not.toContain('gitlab-token');
  });

  it('exits 2 with a message for an unknown scheme, a missing URL, a bad option or a secret the scheme cannot use', async () => {
    const base = ['--body-file', bodyFile, '--secret', 'x'];
    const results = await Promise.all([
      cli(['sign', '--scheme', 'nope', ...base]),
      cli(['sign', '--scheme', 'twilio', ...base]),
      cli(['sign', '--scheme', 'hmac', '--option', 'algorithm=md5', ...base]),
      cli(['sign', '--scheme', 'stripe', '--option', 'x=1', ...base]),
      cli(['sign', '--scheme', 'standard-webhooks', ...base]),
      cli(['sign', '--scheme', 'stripe', '--body-file', join(dir, 'missing.json'), '--secret', 'x']),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    // Warnings about the secret come first; the error is one line that points to the command's help.
    const errors = (r: { stderr: string[] }) => r.stderr.filter((l) => !l.startsWith('warning:'));
    expect(results.map(errors)).toEqual([
      [expect.stringMatching(/^Unknown scheme "nope": use one of stripe, github/)],
      ['twilio signs the URL: pass --url URL (or --curl URL) (usage: npm run cli -- help sign)'],
      [expect.stringMatching(/^--option: algorithm: /)],
      [expect.stringMatching(/^--option: .*stripe takes no options/)],
      ['standard-webhooks needs a whsec_<base64> secret (usage: npm run cli -- help sign)'],
      [expect.stringMatching(/^--body-file .*missing\.json: no such file \(usage: npm run cli -- help sign\)$/)],
    ]);
  });
});

describe('verify', () => {
  const header = (secret = 'whsec_abc', t = NOW, body = BODY) =>
    `Stripe-Signature: t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  const stripeArgs = (...more: string[]) => [
    '--scheme',
    'stripe',
    '--secret',
    'whsec_abc',
    '--header',
    header(),
    '--now',
    String(NOW + 5),
    ...more,
  ];

  it('prints "valid" and exits 0', async () => {
    expect(await verify(stripeArgs('--body-file', bodyFile))).toMatchObject({ code: 0, stdout: ['valid'], stderr: [] });
  });

  it('prints "invalid: <reason>" and exits 1', async () => {
    const { code, stdout } = await verify(stripeArgs(), stdinOf(BODY.replace('100', '999')));
    expect(code).toBe(1);
    expect(stdout).toEqual(['invalid: signature_mismatch']);
  });

  it("prints the reason's detail, e.g. the age of a stale timestamp", async () => {
    const { code, stdout } = await verify([
      '--scheme',
      'stripe',
      '--secret',
      'whsec_abc',
      '--header',
      header(),
      '--now',
      String(NOW + 1000),
      '--body-file',
      bodyFile,
    ]);
    expect(code).toBe(1);
    expect(stdout).toEqual(['invalid: stale_timestamp (timestamp is 1000s old; tolerance is 300s)']);
  });

  it('--tolerance widens the replay window', async () => {
    const args = [
      '--scheme',
      'stripe',
      '--secret',
      'whsec_abc',
      '--header',
      header(),
      '--now',
      String(NOW + 1000),
      '--body-file',
      bodyFile,
      '--tolerance',
      '3600',
    ];
    expect((await verify(args)).code).toBe(0);
  });

  it('tries each --secret and says on stderr which matched (rotation)', async () => {
    const { code, stdout, stderr } = await verify([
      '--scheme',
      'stripe',
      '--secret',
      'whsec_new',
      '--secret',
      'whsec_abc',
      '--header',
      header(),
      '--now',
      String(NOW),
      '--body-file',
      bodyFile,
    ]);
    expect(code).toBe(0);
    expect(stdout).toEqual(['valid']);
    expect(stderr).toEqual(['(secret #2 matched)']);
  });

  it('reports checkSecret() problems on stderr, leaving stdout to the result', async () => {
    const { code, stdout, stderr } = await verify([
      '--scheme',
      'stripe',
      '--secret',
      'whsec_abc\n',
      '--header',
      header(),
      '--now',
      String(NOW),
      '--body-file',
      bodyFile,
    ]);
    expect(code).toBe(1);
    expect(stdout).toEqual(['invalid: signature_mismatch']);
    expect(stderr).toEqual([expect.stringMatching(/^warning: secret #1: .*whitespace/)]);
  });

  it('joins a repeated header with a comma, as API Gateway does', async () => {
    const [, value] = header().split(': ');
    const { code } = await verify([
      '--scheme',
      'stripe',
      '--secret',
      'whsec_abc',
      '--header',
      `Stripe-Signature: t=${NOW},v1=${'0'.repeat(64)}`,
      '--header',
      `stripe-signature: ${value}`,
      '--now',
      String(NOW),
      '--body-file',
      bodyFile,
    ]);
    expect(code).toBe(0);
  });

  it('--body-base64 decodes the body first', async () => {
    const b64 = file('event.b64', Buffer.from(BODY).toString('base64'));
    expect((await verify(stripeArgs('--body-file', b64))).code).toBe(1);
    expect((await verify(stripeArgs('--body-file', b64, '--body-base64'))).code).toBe(0);
  });

  it("validates --option with the scheme's schema, numbers included", async () => {
    const t = String(NOW);
    const digest = createHmac('sha256', 'k').update(`${t}.${BODY}`).digest('hex');
    const args = [
      '--scheme',
      'hmac',
      '--secret',
      'k',
      '--body-file',
      bodyFile,
      '--now',
      String(NOW + 500),
      '--header',
      `X-Signature: ${digest}`,
      '--header',
      `X-Timestamp: ${t}`,
      '--option',
      'header=X-Signature',
      '--option',
      'prefix=',
      '--option',
      'timestampHeader=X-Timestamp',
      '--option',
      'signedContent={timestamp}.{body}',
    ];
    expect((await verify(args)).stdout).toEqual([
      'invalid: stale_timestamp (timestamp is 500s old; tolerance is 300s)',
    ]);
    expect((await verify([...args, '--option', 'toleranceSeconds=600'])).code).toBe(0);
  });

  it('--explain names the likely cause: a pretty-printed body', async () => {
    const { code, stdout } = await verify(stripeArgs('--explain', '--body-file', file('pretty.json', PRETTY)));

    expect(code).toBe(1);
    expect(stdout[0]).toBe('invalid: signature_mismatch');
    expect(stdout).toContain('  scheme     stripe: HMAC-SHA256 (hex) over {t}.{body}');
    expect(stdout).toContainEqual(expect.stringMatching(/^ {2}secret #1 {2}no match \(computed [0-9a-f]{16}…\)$/));
    expect(stdout).toContainEqual(
      expect.stringMatching(
        /^ {2}timestamp {2}1704067200 \(2024-01-01T00:00:00Z\): 5 s old, tolerance 300 s either way — within the window$/,
      ),
    );
    expect(stdout.at(-1)).toMatch(/^likely cause: the body was re-formatted \(pretty-printed/);
  });

  it('--explain on a valid request shows which secret matched over which bytes', async () => {
    const { code, stdout } = await verify([
      '--scheme',
      'stripe',
      '--secret',
      'whsec_new',
      '--secret',
      'whsec_abc',
      '--header',
      header(),
      '--now',
      String(NOW),
      '--body-file',
      bodyFile,
      '--explain',
    ]);
    expect(code).toBe(0);
    expect(stdout[0]).toBe('valid');
    expect(stdout).toContainEqual(expect.stringMatching(/^ {2}signed {5}\d+ bytes, sha256 [0-9a-f]{16}…/));
    expect(stdout).toContainEqual(expect.stringMatching(/^ {2}secret #2 {2}matches/));
    expect(stdout.some((l) => l.startsWith('likely cause'))).toBe(false);
  });

  it('--explain names a Twilio URL mismatch', async () => {
    const secret = '0123456789abcdef0123456789abcdef';
    const form = 'From=%2B15551234567&Body=hi';
    const signed = await sign(
      ['--scheme', 'twilio', '--secret', secret, '--url', 'https://example.com/sms'],
      stdinOf(form),
    );
    const { code, stdout } = await verify(
      [
        '--scheme',
        'twilio',
        '--secret',
        secret,
        '--url',
        'http://example.com/sms',
        '--explain',
        ...signed.stdout.flatMap((l) => ['--header', l]),
      ],
      stdinOf(form),
    );
    expect(code).toBe(1);
    expect(stdout.at(-1)).toMatch(
      /^likely cause: twilio signed the URL https:\/\/example\.com\/sms, not http:\/\/example\.com\/sms/,
    );
  });

  it('--json prints the result and the explanation', async () => {
    const { code, stdout } = await verify(stripeArgs('--json', '--explain', '--body-file', bodyFile));
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout[0]!) as { valid: boolean; explanation: { template: string } };
    expect(parsed).toMatchObject({ valid: true, secretIndex: 0, explanation: { template: '{t}.{body}' } });
  });

  it('exits 2 with one line pointing to its help for a missing header, secret or scheme, a bad --now, a malformed --header or an unknown flag', async () => {
    const results = await Promise.all([
      cli(['verify', '--scheme', 'stripe', '--secret', 'x', '--body-file', bodyFile]),
      cli(['verify', '--scheme', 'stripe', '--header', header(), '--body-file', bodyFile]),
      cli(['verify', '--secret', 'x', '--header', header(), '--body-file', bodyFile]),
      cli([
        'verify',
        '--scheme',
        'stripe',
        '--secret',
        'x',
        '--header',
        header(),
        '--now',
        'yesterday',
        '--body-file',
        bodyFile,
      ]),
      cli(['verify', '--scheme', 'stripe', '--secret', 'x', '--header', 'no colon here', '--body-file', bodyFile]),
      cli(['verify', '--scheme', 'stripe', '--secret', 'x', '--header', header(), '--bogus', '--body-file', bodyFile]),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    for (const r of results) {
      expect(r.stdout).toEqual([]);
      expect(r.stderr).toEqual([expect.stringMatching(/\(usage: npm run cli -- help verify\)$/)]);
    }
    expect(results.at(-1)!.stderr).toEqual(['unknown option --bogus (usage: npm run cli -- help verify)']);
  });
});

describe('the real entry point', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));

  function run(args: readonly string[], stdin: string): Promise<{ code: number; stdout: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        'npm',
        ['run', '--silent', 'cli', '--', ...args],
        { cwd: ROOT, timeout: 60_000 },
        (error, stdout) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout });
        },
      );
      child.stdin?.end(stdin);
    });
  }

  it('`npm run --silent cli -- verify` prints "valid" and exits 0, or "invalid: …" and exits 1 (body on stdin)', async () => {
    const t = NOW;
    const sig = createHmac('sha256', 'whsec_abc').update(`${t}.${BODY}`).digest('hex');
    const args = [
      'verify',
      '--scheme',
      'stripe',
      '--secret',
      'whsec_abc',
      '--header',
      `Stripe-Signature: t=${t},v1=${sig}`,
      '--now',
      String(t),
    ];

    const [good, bad] = await Promise.all([run(args, BODY), run(args, `${BODY}\n`)]);

    expect(good).toEqual({ code: 0, stdout: 'valid\n' });
    expect(bad).toEqual({ code: 1, stdout: 'invalid: signature_mismatch\n' });
  }, 60_000);
});
