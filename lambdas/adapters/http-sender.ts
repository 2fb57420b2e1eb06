/**
 * The HttpSender over node:http/https, with the SSRF guard bound to the connection:
 * 1. resolve the host (dns.lookup, all addresses) and classify every address (core/outbound/delivery/ssrf.ts);
 * 2. connect only to a checked address: the request's `lookup` hands back the checked addresses instead of
 *    resolving again, so a DNS answer that changes between check and connect (rebinding) is never used.
 *    The URL keeps the host name, so SNI, certificate verification and the Host header still use the name;
 * 3. one deadline covers resolving, connecting, TLS, sending and reading the response;
 * 4. POST only, TLS verified (Node's default trust store, plus `ca` if configured), redirects never
 *    followed (a 3xx is returned as the attempt's status), at most 4 KiB of the response body read;
 * 5. failures come back as error kinds (`timeout`, `dns`, `tls`, `connection`, `blocked`), never thrown.
 * Nothing here logs: the request headers carry the signatures.
 */
import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { version } from '../../package.json';
import type { AttemptErrorKind } from '../core/outbound/model';
import {
  MAX_RESPONSE_BODY_BYTES,
  type HttpSender,
  type OutboundRequest,
  type ResolvedAddress,
  type Resolver,
  type SendResult,
} from '../core/outbound/ports';
import { checkUrl, type SsrfPolicy } from '../core/outbound/delivery/ssrf';

export const USER_AGENT = `webhook-ingestion-stack/${version}`;

/** All addresses of a name, as the operating system resolves them (getaddrinfo, like every other client). */
export const dnsResolver: Resolver = {
  async resolve(hostname) {
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  },
};

export interface HttpSenderOptions {
  readonly policy: SsrfPolicy;
  /** @default dnsResolver */
  readonly resolver?: Resolver;
  /** Extra trust anchors (PEM), e.g. an internal CA for receivers in an allowed subnet. */
  readonly ca?: string | Buffer;
}

/**
 * @example
 * const sender = createHttpSender({ policy: ssrfPolicy(config.outboundAllowedCidrs) });
 * const result = await sender.send({ url, headers, body, timeoutMs: 15_000 });
 */
export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const resolver = options.resolver ?? dnsResolver;
  return { send: (request) => send(request, resolver, options) };
}

class Deadline extends Error {
  override readonly name = 'Deadline';
}

async function send(request: OutboundRequest, resolver: Resolver, options: HttpSenderOptions): Promise<SendResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  const failed = (error: AttemptErrorKind, detail: string): SendResult => ({
    kind: 'error',
    error,
    detail,
    latencyMs: latencyMs(),
  });

  const abort = new AbortController(); // tears the request down when the deadline passes
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Deadline());
    }, request.timeoutMs);
  });
  try {
    const checked = await Promise.race([checkUrl(request.url, resolver, options.policy), deadline]);
    if (!checked.ok) return failed(checked.error, checked.reason);
    return await Promise.race([
      post(checked.url, checked.addresses, request, options, abort.signal, latencyMs),
      deadline,
    ]);
  } catch (error) {
    if (error instanceof Deadline) return failed('timeout', `no complete response within ${request.timeoutMs} ms`);
    return failed(classify(error), errorCode(error));
  } finally {
    clearTimeout(timer);
  }
}

/** One POST to `url`, connecting only to `addresses`. Settles when the capped body is read; rejects on a network error. */
function post(
  url: URL,
  addresses: readonly ResolvedAddress[],
  request: OutboundRequest,
  options: HttpSenderOptions,
  signal: AbortSignal,
  latencyMs: () => number,
): Promise<SendResult> {
  return new Promise<SendResult>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'user-agent': USER_AGENT, 'content-length': String(request.body.byteLength) },
      lookup: pinnedLookup(addresses),
      agent: false, // a fresh connection per attempt: no pooled socket outlives its check
      ca: options.ca === undefined ? undefined : [...rootCertificates, options.ca], // `ca` alone would replace the default trust store
      rejectUnauthorized: true,
      signal,
    });
    req.on('error', reject); // `on`, not `once`: a socket can emit a second error after the first, and an unheard one would crash the process
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const finish = () => {
        const body = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY_BYTES);
        resolve({
          kind: 'response',
          status: res.statusCode ?? 0,
          ...(typeof res.headers['retry-after'] === 'string' ? { retryAfter: res.headers['retry-after'] } : {}),
          body: body.toString('utf8'),
          bodyTruncated: truncated,
          latencyMs: latencyMs(),
        });
      };
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_RESPONSE_BODY_BYTES) {
          truncated = true;
          finish();
          res.destroy(); // stop reading: the rest of a large body is not worth the time or memory
        }
      });
      res.once('end', finish);
      res.on('error', (error) => (truncated ? undefined : reject(error)));
    });
    req.end(request.body);
  });
}

/** A `lookup` that answers with the checked addresses only. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const first = addresses[0];
    if (!first) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    if (options.all) {
      (callback as unknown as (err: null, all: Array<{ address: string; family: number }>) => void)(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    } else {
      callback(null, first.address, first.family);
    }
  };
}

const TLS_CODES =
  /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH$|ERR_CERT)/;

function classify(error: unknown): AttemptErrorKind {
  const code = errorCode(error);
  if (TLS_CODES.test(code)) return 'tls';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  return 'connection';
}

/** The error's code only: messages can carry more than we want in a stored attempt. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}
