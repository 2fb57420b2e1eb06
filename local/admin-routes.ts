/**
 * The local stack's admin routes (`/_local/…`), answered by `npm start` only: API Gateway has no
 * such routes.
 */
import type { LocalQueue } from './queue';

/**
 * The local stack's own routes, for the CLI (`npm run cli -- queues`):
 * - `GET /_local/queues`: each source queue's depth, in-flight count and dead letters;
 * - `POST /_local/queues/<source>/redrive`: moves that source's dead letters back to its queue, as
 *   `aws sqs start-message-move-task` does for a deployed stack.
 */
export async function localRoute(
  method: string,
  rawPath: string,
  sources: ReadonlyMap<string, { readonly queue: LocalQueue }>,
): Promise<{ status: number; body: unknown } | undefined> {
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
