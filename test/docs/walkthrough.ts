/**
 * What the docs' walkthrough tests share: a sample output line as a pattern, a free port for a receiver, and the
 * runner of a page's walkthrough section (its ```bash commands in order, through the CLI's own dispatcher, and the
 * output blocks shown after them, line by line).
 */
import { createServer, type AddressInfo } from 'node:net';

/**
 * A sample line as a pattern: times, ids and secrets, loopback ports, durations, sizes and other numbers of three
 * digits or more match any value (HTTP statuses after `→`, `←` or `HTTP` stay as shown), runs of spaces any run,
 * and `…` anything.
 */
export function shapeOf(sample: string): RegExp {
  const variable =
    /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z|\b(?:evt|ep|dlv|msg|whsec|rcv|rpl|ntf)_[A-Za-z0-9+/=_-]+|127\.0\.0\.1:\d+|\b\d+(?= ms\b| bytes\b)|(?<!→ |← |HTTP )\b\d{3,}\b|…/g;
  let pattern = '';
  let last = 0;
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  for (const m of sample.trim().matchAll(variable)) {
    pattern += literal(sample.trim().slice(last, m.index));
    pattern += m[0] === '…' ? '.*' : m[0].startsWith('127.') ? '127\\.0\\.0\\.1:\\d+' : '\\S+?';
    last = m.index + m[0].length;
  }
  return new RegExp(`^${pattern}${literal(sample.trim().slice(last))}$`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
