/**
 * A stand-in for the outbound API on 127.0.0.1: it records every request and answers each with `answer` (JSON),
 * which a test sets before the command runs. For the CLI tests that need no stack.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordingServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request so far (a test empties it with `received.length = 0`). */
  readonly received: Received[];
  /** What every request is answered. */
  answer: { status: number; body: unknown };
  /** When set, what each request is answered instead (a list read page by page). */
  answerFor?: ((request: Received) => { status: number; body: unknown }) | undefined;
  close(): Promise<void>;
}

export async function recordingServer(): Promise<RecordingServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      recording.received.push(received);
      const { status, body } = recording.answerFor?.(received) ?? recording.answer;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const recording: RecordingServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: [],
    answer: { status: 200, body: {} },
    // Keep-alive connections (a client's agent, the stack's sender) would hold close() open.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return recording;
}
