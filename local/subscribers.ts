/**
 * Local topic subscribers: a console line per event, and `--forward URL` (an HTTP POST of each
 * message to a loopback endpoint, like an SNS HTTP subscription with raw message delivery).
 * Neither ever prints a payload, a signature or a secret.
 */
import type { Log } from '../lambdas/core/kernel/log';
import type { FilterPolicy } from './filter-policy';
import type { LocalSubscriber, Notification } from './topic';

/** When the event was received, read from the envelope (the default message); undefined if a route replaced it. */
export function receivedAtOf(message: string): number | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const value = (JSON.parse(message) as { receivedAt?: unknown }).receivedAt;
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

/** One readable line per delivered event: source, type, id, status, latency since it was received. */
export function consoleSubscriber(print: (line: string) => void, filterPolicy?: FilterPolicy): LocalSubscriber {
  return {
    name: 'console',
    subscriptionId: 'console',
    ...(filterPolicy && { filterPolicy }),
    deliver(n: Notification) {
      const receivedAt = receivedAtOf(n.message);
      const latency = receivedAt === undefined ? '' : `${Math.max(0, n.publishedAt - receivedAt)} ms`;
      print(
        formatEventLine({
          source: n.attributes.source ?? '?',
          type: n.attributes.type ?? '?',
          id: n.attributes.eventId ?? n.messageId,
          status: 'delivered',
          detail: latency,
        }),
      );
    },
  };
}

export interface EventLine {
  readonly source: string;
  readonly type: string;
  readonly id: string;
  readonly status: string;
  readonly detail?: string;
}

/** `12:00:01.234  stripe  payment_intent.succeeded  evt_123  delivered  23 ms` */
export function formatEventLine(line: EventLine, now = new Date()): string {
  const time = now.toTimeString().slice(0, 8) + '.' + String(now.getMilliseconds()).padStart(3, '0');
  const id = line.id.length > 40 ? `${line.id.slice(0, 39)}…` : line.id;
  return [time, line.source.padEnd(18), line.type.padEnd(30), id.padEnd(40), line.status.padEnd(13), line.detail ?? '']
    .join(' ')
    .trimEnd();
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Checks that `url` is an http(s) URL on this machine; the local stack never posts events elsewhere. */
export function parseForwardUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--forward: "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error('--forward: the URL must be http:// or https://');
  if (!LOOPBACK.has(parsed.hostname))
    throw new Error(`--forward: only loopback URLs are allowed (127.0.0.1, localhost, [::1]), not ${parsed.hostname}`);
  return parsed;
}

export interface ForwardOptions {
  readonly log?: Log;
  readonly filterPolicy?: FilterPolicy;
  /** Attempts per message (SNS retries HTTP deliveries too). @default 3 */
  readonly attempts?: number;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** Called after each delivery attempt sequence, for the console. */
  readonly onResult?: (notification: Notification, result: { ok: boolean; status?: number; error?: string }) => void;
}

const HEADER_TOKEN = /^[A-Za-z0-9-]+$/;

/** POSTs each message body to `url`, with its attributes as `x-webhook-<name>` headers. */
export function forwardSubscriber(url: string, options: ForwardOptions = {}): LocalSubscriber {
  const target = parseForwardUrl(url);
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5000;
  const pending = new Set<Promise<void>>();

  const post = async (n: Notification): Promise<void> => {
    const headers: Record<string, string> = {
      'content-type':
        n.message.startsWith('{') || n.message.startsWith('[') ? 'application/json' : 'text/plain; charset=utf-8',
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': n.messageId,
      'x-amz-sns-topic-arn': n.topicArn,
    };
    for (const [name, value] of Object.entries(n.attributes)) {
      if (HEADER_TOKEN.test(name)) headers[`x-webhook-${name.toLowerCase()}`] = value;
    }
    let last: { ok: boolean; status?: number; error?: string } = { ok: false };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers,
          body: n.message,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        last = { ok: response.ok, status: response.status };
        if (response.ok) break;
      } catch (error) {
        last = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, 200 * 4 ** (attempt - 1)));
    }
    if (!last.ok)
      options.log?.warn('forward failed', { url: target.origin + target.pathname, messageId: n.messageId, ...last });
    options.onResult?.(n, last);
  };

  return {
    name: `forward ${target.href}`,
    subscriptionId: 'forward',
    ...(options.filterPolicy && { filterPolicy: options.filterPolicy }),
    deliver(n) {
      const p = post(n);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    async close() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** A subscriber that keeps every notification, for tests and the load bench. */
export function collectingSubscriber(
  filterPolicy?: FilterPolicy,
): LocalSubscriber & { readonly received: Notification[] } {
  const received: Notification[] = [];
  return {
    name: 'collector',
    ...(filterPolicy && { filterPolicy }),
    received,
    deliver(n) {
      received.push(n);
    },
  };
}
