/**
 * `listen` takes the endpoint secret from --secret or, to keep it out of `ps` and the shell history, from an
 * environment variable named by --secret-env; either way it verifies deliveries with it.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { command as listen } from '../../cli/commands/listen';
import { captureIo } from '../helpers/cli-io';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let running: Promise<number> | undefined;

afterEach(async () => {
  process.emit('SIGTERM');
  await running;
  running = undefined;
  delete process.env.LISTEN_TEST_SECRET;
});

async function post(port: number, secret: string): Promise<number> {
  const body = JSON.stringify({ type: 'invoice.paid', data: {} });
  const signed = {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
    'content-type': 'application/json',
  };
  const signature = new Webhook(secret).sign('msg_1', new Date(Number(signed['webhook-timestamp']) * 1000), body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { ...signed, 'webhook-signature': signature } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function start(args: string[]) {
  const io = captureIo();
  running = listen.run(['--port', '0', ...args], io);
  for (let i = 0; i < 200 && !io.stderr.some((l) => l.includes('Listening on')); i++)
    await new Promise((r) => setTimeout(r, 10));
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(io.stderr.join('\n'))?.[1]);
  return { io, port };
}

describe('listen', () => {
  it('verifies deliveries with a secret read from the variable --secret-env names', async () => {
    process.env.LISTEN_TEST_SECRET = SECRET;
    const { io, port } = await start(['--secret-env', 'LISTEN_TEST_SECRET']);
    expect(await post(port, SECRET)).toBe(200);
    expect(io.stdout.join('\n')).toContain('signature verified');
    expect(io.stdout.join('\n')).not.toContain(SECRET);
  });

  it('flags a delivery signed with another secret as invalid', async () => {
    process.env.LISTEN_TEST_SECRET = SECRET;
    const { io, port } = await start(['--secret-env', 'LISTEN_TEST_SECRET']);
    await post(port, 'whsec_' + Buffer.alloc(24, 7).toString('base64'));
    expect(io.stdout.join('\n')).toContain('signature INVALID');
  });

  it('refuses --secret-env naming a variable that is not set, and a missing secret', async () => {
    await expect(listen.run(['--secret-env', 'LISTEN_TEST_SECRET'], captureIo())).rejects.toThrow(
      /LISTEN_TEST_SECRET: the variable is not set/,
    );
    await expect(listen.run([], captureIo())).rejects.toThrow(/--secret or --secret-env is required/);
  });
});
