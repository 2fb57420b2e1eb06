/**
 * Helpers for the end-to-end tests: a fresh in-memory local stack on a free port, signed requests
 * built exactly as the CLI builds them, raw HTTP for requests a client library would refuse to send,
 * and a bounded poll (tests wait for conditions, never for durations).
 */
import { connect } from 'node:net';
import { localSources, type LocalSource } from '../../config/local';
import {
  preparePayload,
  readExample,
  senderFor,
  signRequest,
  webhookUrl,
  type SignedRequest,
} from '../../cli/lib/webhook-request';
import { silentLog } from '../../lambdas/core/kernel/log';
import { consoleLog } from '../../local/log';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { writeStackState } from '../../local/state-file';
import { collectingSubscriber } from '../../local/subscribers';
import type { Notification } from '../../local/topic';

export interface TestStack {
  readonly stack: LocalStack;
  /** Every notification the topic delivered. */
  readonly published: Notification[];
  /** Notifications for one event id. */
  publishedFor(eventId: string): Notification[];
  stop(): Promise<void>;
}

/**
 * A fresh in-memory stack on a free port, with a collecting subscriber. Processors and the outbound delivery worker
 * take a batch as soon as a message arrives (no batching window) unless the test says otherwise.
 */
export async function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const collector = collectingSubscriber();
  const stack = await startLocalStack({
    port: 0,
    log: process.env.E2E_DEBUG ? consoleLog('e2e', 'debug') : silentLog,
    ...options,
    subscribers: [collector, ...(options.subscribers ?? [])],
    timing: { sweepIntervalMs: 0, batchingWindowMs: 0, ...options.timing },
    // The delivery worker takes a batch at once too (deployed it waits up to 1 s to fill one).
    outbound: { deliveryBatchingWindowMs: 0, ...options.outbound },
  });
  return {
    stack,
    published: collector.received,
    publishedFor: (eventId) => collector.received.filter((n) => n.attributes.eventId === eventId),
    stop: () => stack.stop(),
  };
}

/** Writes what `npm start` writes into `dataDir`, so the CLI finds `stack` as the running local stack. */
export function registerAsRunning(dataDir: string, stack: LocalStack, startedAt = new Date().toISOString()): void {
  writeStackState(dataDir, {
    pid: process.pid,
    url: stack.url,
    dynamoEndpoint: stack.dynamoEndpoint,
    tableName: stack.tableName,
    startedAt,
  });
}

export function localSource(id: string): LocalSource {
  const found = localSources.find((s) => s.source.id === id);
  if (!found) throw new Error(`no local source ${id}`);
  return found;
}

export interface SignOptions {
  readonly nowMs?: number;
  /** Sign at this time (defaults to nowMs): old or future timestamps. */
  readonly signAtMs?: number;
  readonly id?: string;
  readonly body?: Buffer;
  readonly secret?: string;
  readonly source?: LocalSource;
  /** One of the source's `variants` (`form`, `slash-command`, …), as `send <source> --<variant>` sends it. */
  readonly variant?: string;
}

/** A validly signed request for a local source, as `npm run cli -- send` would send it. */
export function signedRequest(
  baseUrl: string,
  sourceId: string,
  o: SignOptions = {},
): SignedRequest & { readonly eventId: string | undefined } {
  const local = o.source ?? localSource(sourceId);
  const variant = o.variant === undefined ? undefined : local.variants?.[o.variant];
  if (o.variant !== undefined && !variant) throw new Error(`${sourceId} has no variant ${o.variant}`);
  const sender = senderFor(local, o.secret, variant);
  const nowMs = o.nowMs ?? Date.now();
  const payload = o.body
    ? {
        body: o.body,
        eventId: o.id,
        idHeader:
          sender.idLocator && 'header' in sender.idLocator && o.id
            ? ([sender.idLocator.header, o.id] as const)
            : undefined,
      }
    : preparePayload(sender, readExample(local, variant), { nowMs, ...(o.id !== undefined && { id: o.id }) });
  const request = signRequest(sender, payload, webhookUrl(baseUrl, sourceId), o.signAtMs ?? nowMs);
  return { ...request, eventId: payload.eventId };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: { status?: string; id?: string; error?: string; message?: string };
  /** The body as received (empty for an acknowledgement such as Slack's). */
  readonly text: string;
}

export async function post(request: SignedRequest): Promise<Answer> {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  let json: Answer['json'] = {};
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    // a non-JSON answer fails the test's expectations on json.error
  }
  return { status: response.status, headers: response.headers, json, text };
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Sends bytes exactly as given (paths a URL parser would normalize, repeated or malformed headers)
 * and reads the answer until the server closes. `Connection: close` is added unless present.
 */
export function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close while we are still writing an oversized body; the answer is already in.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish();
      else reject(error);
    });
    socket.on('end', finish);
    socket.on('close', finish);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = text.slice(0, split < 0 ? text.length : split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: split < 0 ? '' : text.slice(split + 4) });
    }
    const withClose = /\r\nconnection:/i.test(`\r\n${head}`) ? head : `${head}Connection: close\r\n`;
    socket.write(`${withClose}\r\n`);
    if (body.length > 0) socket.write(body);
  });
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
