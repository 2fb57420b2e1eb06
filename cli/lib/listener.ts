/**
 * A local webhook receiver for `npm run cli -- listen`: verifies each request's signature (Standard Webhooks with
 * the official `standardwebhooks` library, independent of the stack's own signing code; X-WSS and inbound schemes
 * with the stack's inbound verifiers), reports it, and answers from a status script (`500,200`: 500 first, then
 * 200 for every later request).
 */
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { wssOptions } from '../../lambdas/core/outbound/delivery/signing';
import { findScheme } from '../../lambdas/core/signatures/index';

export interface ReceivedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly verified: boolean;
  readonly reason?: string;
  readonly answered: number;
}

export interface ListenerOptions {
  /** The endpoint's secret (a function: known only once the endpoint is registered with this listener's URL). */
  readonly secret: string | (() => string);
  /** `standard-webhooks` (default), `wss`, or an inbound scheme name. */
  readonly scheme?: string;
  /** Answers in order; the last one repeats. @default [200] */
  readonly statuses?: readonly number[];
  readonly onRequest?: (request: ReceivedRequest) => void;
}

export function createListener(options: ListenerOptions): { server: Server; received: ReceivedRequest[] } {
  const statuses = [...(options.statuses ?? [200])];
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const secret = typeof options.secret === 'function' ? options.secret() : options.secret;
      const check = verify(
        options.scheme ?? 'standard-webhooks',
        secret,
        body,
        headers,
        `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`,
      );
      const answered = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      const entry: ReceivedRequest = {
        at: Date.now(),
        method: req.method ?? 'POST',
        path: req.url ?? '/',
        headers,
        body: body.toString('utf8'),
        answered,
        ...check,
      };
      received.push(entry);
      options.onRequest?.(entry);
      res.writeHead(answered, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: true, verified: check.verified }));
    });
  });
  return { server, received };
}

function verify(
  scheme: string,
  secret: string,
  body: Buffer,
  headers: Record<string, string>,
  url: string,
): { verified: boolean; reason?: string } {
  try {
    if (scheme === 'standard-webhooks') {
      new Webhook(secret).verify(body.toString('utf8'), headers);
      return { verified: true };
    }
    const definition = findScheme(scheme === 'wss' ? 'hmac' : scheme);
    if (!definition) return { verified: false, reason: `unknown scheme ${scheme}` };
    const timestampFormat = /^\d+$/.test(headers['x-wss-timestamp'] ?? '') ? 'epoch' : 'iso8601';
    const options = definition.optionsSchema.parse(scheme === 'wss' ? wssOptions(timestampFormat) : {});
    const result = definition.verify({
      body,
      headers,
      url,
      secrets: [secret],
      nowSeconds: Math.floor(Date.now() / 1000),
      options,
    });
    return result.valid ? { verified: true } : { verified: false, reason: result.reason };
  } catch (error) {
    return { verified: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
