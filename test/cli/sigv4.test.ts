/**
 * SigV4 on the CLI's outbound API client: a local server receives the requests, and the test recomputes each
 * signature with the signer and the fixed credentials the CLI found in the environment (host and body hash
 * included). Loopback is not signed unless asked, a missing region is a usage error, and nothing printed
 * carries a credential.
 */
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/index';
import { isLoopback, NodeSha256, regionFor } from '../../cli/lib/sigv4';
import { captureIo } from '../helpers/cli-io';
import { recordingServer, type Received, type RecordingServer } from '../helpers/recording-server';

const KEY_ID = 'AKIDSIGV4TEST';
const SECRET = 'sigv4-test-secret-do-not-print';

let server: RecordingServer;
let base: string;

beforeAll(async () => {
  server = await recordingServer();
  base = server.url;
});
afterAll(() => server.close());

beforeEach(() => {
  server.received.length = 0;
  server.answer = { status: 202, body: { status: 'accepted', id: 'msg_1', deliveries: 1 } };
  vi.stubEnv('AWS_ACCESS_KEY_ID', KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_REGION', undefined);
});
afterEach(() => vi.unstubAllEnvs());

/** The Authorization the signer computes for the request as the server received it, from the signed headers only. */
async function recompute(r: Received, region: string, body = r.body): Promise<string> {
  const auth = String(r.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
  const url = new URL(r.url, `http://${r.headers.host}`);
  const amzDate = String(r.headers['x-amz-date']);
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: r.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      // The body hash is left for the signer to compute from the body received, so a changed body cannot verify.
      headers: Object.fromEntries(
        signedNames.filter((name) => name !== 'x-amz-content-sha256').map((name) => [name, String(r.headers[name])]),
      ),
      ...(body !== '' && { body }),
    },
    { signingDate },
  );
  return signed.headers.authorization!;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('SigV4 on the outbound API client', () => {
  it('messages send --sigv4 signs host, body hash and idempotency key with the environment credentials; the server can verify it', async () => {
    const io = captureIo();

    const code = await runCli(
      [
        'messages',
        'send',
        '--tenant',
        'acme',
        '--type',
        'order.paid',
        '--data',
        '{"total":42}',
        '--id',
        'k1',
        '--url',
        base,
        '--sigv4',
        '--region',
        'eu-west-1',
      ],
      io,
    );

    expect(code).toBe(0);
    const [r] = server.received;
    expect(r!.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/eu-west-1/execute-api/aws4_request, SignedHeaders=`),
    );
    expect(/SignedHeaders=([^,]+)/.exec(String(r!.headers.authorization))![1]!.split(';')).toEqual(
      expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date', 'content-type', 'idempotency-key']),
    );
    expect(r!.headers['x-amz-content-sha256']).toBe(sha256(r!.body));
    expect(await recompute(r!, 'eu-west-1')).toBe(r!.headers.authorization);
    expect(await recompute(r!, 'eu-west-1', `${r!.body} `)).not.toBe(r!.headers.authorization);
    expect(await recompute(r!, 'us-east-1')).not.toBe(r!.headers.authorization);
  });

  it('deliveries list signs the query string; endpoints list takes --sigv4 with --url, as every command', async () => {
    server.answer = { status: 200, body: { deliveries: [], endpoints: [] } };

    expect(
      await runCli(
        [
          'deliveries',
          'list',
          '--tenant',
          'acme',
          '--status',
          'failed',
          '--limit',
          '5',
          '--url',
          base,
          '--sigv4',
          '--region',
          'eu-west-1',
        ],
        captureIo(),
      ),
    ).toBe(0);
    expect(
      await runCli(
        ['endpoints', 'list', '--tenant', 'acme', '--url', base, '--sigv4', '--region', 'eu-west-1'],
        captureIo(),
      ),
    ).toBe(0);

    expect(server.received.map((r) => r.url)).toEqual([
      '/v1/tenants/acme/deliveries?status=failed&limit=5',
      '/v1/tenants/acme/endpoints',
    ]);
    for (const r of server.received) expect(await recompute(r, 'eu-west-1'), r.url).toBe(r.headers.authorization);
  });

  it('a loopback URL is not signed by default', async () => {
    expect(
      await runCli(
        ['messages', 'send', '--tenant', 'acme', '--type', 'order.paid', '--data', '{}', '--url', base],
        captureIo(),
      ),
    ).toBe(0);
    expect(server.received[0]!.headers.authorization).toBeUndefined();
    expect(server.received[0]!.headers['x-amz-date']).toBeUndefined();
  });

  it('without a region, the command fails with a usage error that says where a region comes from, and sends nothing', async () => {
    const io = captureIo();

    expect(
      await runCli(
        ['messages', 'send', '--tenant', 'acme', '--type', 'order.paid', '--data', '{}', '--url', base, '--sigv4'],
        io,
      ),
    ).toBe(2);

    expect(io.stderr.join('\n')).toMatch(/SigV4 needs the API's region: pass --region, set AWS_REGION/);
    expect(server.received).toEqual([]);
  });

  it('a refused request prints the API error and never the secret or the Authorization header', async () => {
    server.answer = { status: 403, body: { message: 'The request signature we calculated does not match' } };
    const io = captureIo();

    expect(
      await runCli(
        ['deliveries', 'show', 'dlv_1', '--tenant', 'acme', '--url', base, '--sigv4', '--region', 'eu-west-1'],
        io,
      ),
    ).toBe(1);

    const printed = [...io.stdout, ...io.stderr].join('\n');
    expect(printed).toContain('403');
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain('Signature=');
    expect(printed).not.toContain(KEY_ID);
  });
});

describe('NodeSha256 in the signer', () => {
  it('reproduces the get-vanilla vector of the AWS SigV4 test suite', async () => {
    const signer = new SignatureV4({
      service: 'service',
      region: 'us-east-1',
      sha256: NodeSha256,
      applyChecksum: false,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    });
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/',
        query: {},
        headers: { host: 'example.amazonaws.com' },
      },
      { signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
});

describe('when to sign, and for which region', () => {
  it('isLoopback() is true for localhost, 127.0.0.0/8 and ::1 only', () => {
    for (const url of [
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'http://127.9.9.9',
      'http://[::1]:3000',
      'http://api.localhost',
    ])
      expect(isLoopback(new URL(url)), url).toBe(true);
    for (const url of [
      'https://abc123.execute-api.eu-west-1.amazonaws.com',
      'http://10.0.0.1',
      'http://128.0.0.1',
      'https://hooks.example.com',
    ])
      expect(isLoopback(new URL(url)), url).toBe(false);
  });

  it('regionFor() prefers --region, then the execute-api host, then AWS_REGION', () => {
    const api = new URL('https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod');
    const custom = new URL('https://hooks.example.com');
    expect(regionFor(api, 'eu-west-1', { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(regionFor(api, undefined, { AWS_REGION: 'us-east-1' })).toBe('ap-southeast-2');
    expect(regionFor(custom, undefined, { AWS_REGION: 'us-east-1' })).toBe('us-east-1');
    expect(() => regionFor(custom, undefined, {})).toThrow(/--region/);
  });
});
