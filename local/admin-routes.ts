/**
 * The local stack's admin routes (`/_local/…`), answered by `npm start` only: API Gateway has no
 * such routes. They are for the CLI on this machine, and guarded so that a web page open in the
 * user's browser cannot use them: only loopback clients reach them (api-gateway.ts), and a request
 * naming a foreign `Host` (DNS rebinding: evil.example resolving to 127.0.0.1) or carrying a foreign
 * `Origin` or a cross-site `Sec-Fetch-Site` (a cross-site request) is refused with 403.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { LocalQueue } from './queue';
import type { ReplayInput } from '../lambdas/core/archive/replay-request';
import { toHttpResponse } from '../lambdas/core/kernel/http';
import type { Log } from '../lambdas/core/kernel/log';
import type { LocalReplays } from './replays';

type Answer = { status: number; body: unknown };

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Whether `authority` (`host[:port]`) names this machine's loopback interface on `port`. */
function isLocalAuthority(authority: string, port: number | undefined): boolean {
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(authority.trim().toLowerCase());
  if (!m || !LOOPBACK_NAMES.has(m[1]!)) return false;
  return m[2] === undefined || port === undefined || Number(m[2]) === port;
}

/** A 403 for a request a browser could have been tricked into sending, else undefined. */
export function adminRequestRefusal(headers: IncomingHttpHeaders, localPort: number | undefined): Answer | undefined {
  const refuse = (what: string): Answer => ({
    status: 403,
    body: { error: 'forbidden', message: `The /_local/ routes answer only local clients: ${what} refused.` },
  });
  if (headers.host === undefined || !isLocalAuthority(headers.host, localPort)) return refuse('a foreign Host');
  const origin = headers.origin;
  if (origin !== undefined) {
    let authority: string | undefined;
    try {
      const url = new URL(origin);
      // The port is explicit here, so another local server's page (localhost:8080) is foreign too.
      authority = url.protocol === 'http:' ? `${url.hostname}:${url.port || '80'}` : undefined;
    } catch {
      authority = undefined;
    }
    if (authority === undefined || !isLocalAuthority(authority, localPort)) return refuse('a foreign Origin');
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return refuse('a cross-site request');
  return undefined;
}

/**
 * The local stack's own routes, for the CLI (`npm run cli -- queues`, `portal rotate-key`) and the console:
 * - `GET /_local/queues`: each source queue's depth, in-flight count and dead letters;
 * - `POST /_local/queues/<source>/redrive`: moves that source's dead letters back to its queue, as
 *   `aws sqs start-message-move-task` does for a deployed stack;
 * - `POST /_local/portal/rotate-key`: a new portal signing key, ending every portal session.
 */
export async function localRoute(
  method: string,
  rawPath: string,
  sources: ReadonlyMap<string, { readonly queue: LocalQueue }>,
  portal?: { rotate(): void },
): Promise<Answer | undefined> {
  if (method === 'POST' && rawPath === '/_local/portal/rotate-key' && portal) {
    portal.rotate();
    return { status: 200, body: { rotated: true, message: 'Every portal session signed before now is refused.' } };
  }
  if (method === 'GET' && rawPath === '/_local/queues') {
    return { status: 200, body: { queues: Object.fromEntries([...sources].map(([id, s]) => [id, s.queue.stats()])) } };
  }
  const redrive = /^\/_local\/queues\/([^/]+)\/redrive$/.exec(rawPath);
  if (method === 'POST' && redrive) {
    let id: string;
    try {
      id = decodeURIComponent(redrive[1]!);
    } catch {
      return { status: 400, body: { error: 'bad_request', message: 'The source id is not valid percent-encoding' } };
    }
    const source = sources.get(id);
    if (!source) return { status: 404, body: { error: 'unknown_source', message: `No local source "${id}"` } };
    return { status: 200, body: { source: id, moved: await source.queue.redrive() } };
  }
  return undefined;
}

/** SQS refuses a message (body and attributes) over 256 KiB; so does the local intake queue. */
const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * `POST /_local/outbound/intake?tenant=T&type=X[&id=K]` with the payload as the body: sends it to the local outbound
 * intake queue as a producer on AWS would (`aws sqs send-message` with those message attributes), for
 * `npm run cli -- messages send --via-queue`. Nothing is checked here but the size: the intake handler decides, and
 * dead-letters what it refuses, as deployed.
 */
export async function outboundIntakeRoute(
  method: string,
  rawPath: string,
  body: Uint8Array,
  query: URLSearchParams,
  queue: LocalQueue,
): Promise<Answer | undefined> {
  if (rawPath !== '/_local/outbound/intake') return undefined;
  if (method !== 'POST') return { status: 405, body: { error: 'method_not_allowed', message: 'POST the payload' } };
  const attributes = Object.fromEntries(
    ['tenant', 'type', 'id'].flatMap((name) => (query.get(name) ? [[name, query.get(name)!]] : [])),
  );
  const size =
    body.byteLength +
    Object.entries(attributes).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 'String'.length,
      0,
    );
  if (size > SQS_MAX_MESSAGE_BYTES)
    return {
      status: 413,
      body: {
        error: 'payload_too_large',
        message: `An SQS message holds at most ${SQS_MAX_MESSAGE_BYTES} bytes with its attributes`,
      },
    };
  const messageId = await queue.sendMessage({ body: Buffer.from(body).toString('utf8'), attributes });
  return { status: 202, body: { queue: queue.settings.name, messageId } };
}

/**
 * Replays (`npm run cli -- events replay`, `events replays show`), as the deployed replay function answers them:
 * - `POST /_local/replays` with the request as JSON: 202 and the job, or 400 / 404 naming the problem;
 * - `GET /_local/replays/<id>`: the job's progress, counts and failures.
 */
export async function replayRoute(
  method: string,
  rawPath: string,
  body: Uint8Array,
  replays: LocalReplays,
  log: Log,
): Promise<Answer | undefined> {
  if (rawPath === '/_local/replays' && method === 'POST') {
    let input: ReplayInput;
    try {
      input = JSON.parse(Buffer.from(body).toString('utf8')) as ReplayInput;
    } catch {
      return { status: 400, body: { error: 'bad_request', message: 'The body is not JSON.' } };
    }
    try {
      return { status: 202, body: await replays.start(input) };
    } catch (error) {
      const response = toHttpResponse(error, log);
      return { status: response.statusCode, body: JSON.parse(response.body) as unknown };
    }
  }
  const show = /^\/_local\/replays\/([A-Za-z0-9_-]+)$/.exec(rawPath);
  if (show && method === 'GET') {
    const job = await replays.get(show[1]!);
    return job
      ? { status: 200, body: job }
      : { status: 404, body: { error: 'not_found', message: `No replay ${show[1]}.` } };
  }
  return undefined;
}
