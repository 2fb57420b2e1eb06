/**
 * One archived event, proved again before it is replayed: its bytes must hash to what was recorded, and its
 * signature must verify with the source's current or previous secret, checked at the time it was received (so an
 * old event is not refused for its age: the tolerance is applied as on receipt, and the report says so). Then its
 * envelope is rebuilt exactly as the verifier built it.
 */
import { contentTypeRule, parseBody } from '../inbound/body';
import { serializeEnvelope } from '../inbound/envelope';
import type { PreparedSource } from '../inbound/sources';
import type { Scheme } from '../signatures/index';
import { sha256Hex } from './context';
import type { ObjectStore } from './ports';
import { rowBodyBytes, type ArchiveRow } from './record';

/** What a replay needs to know of a source. */
export interface ReplaySource {
  readonly id: string;
  readonly scheme: Scheme<unknown>;
  readonly options: unknown;
  readonly toleranceSeconds: number | undefined;
  /** Its secrets (a Secrets Manager secret, or held: a tenant source's), as the verifier's PreparedSource has them. */
  readonly secrets: PreparedSource['secrets'];
  readonly queueUrl: string;
  /** On the shared queue, its fairness group (a redrive sends it in it). */
  readonly messageGroupId?: string | undefined;
  /** Headers the envelope carries (as the verifier's PreparedSource says). */
  readonly forwardedHeaders: readonly string[];
}

export type Proof =
  | { readonly ok: true; readonly body: Uint8Array; readonly envelope: string }
  | { readonly ok: false; readonly reason: string };

/** Reads the row's exact bytes (inline, or its claim-check object) and proves them; never throws for a bad row. */
export async function proveRow(
  row: ArchiveRow,
  source: ReplaySource,
  secrets: readonly string[],
  trustArchive: boolean,
  store: ObjectStore,
): Promise<Proof> {
  let body: Uint8Array | undefined;
  try {
    body = row.body_ref !== undefined ? await store.get(row.body_ref) : rowBodyBytes(row);
  } catch {
    return { ok: false, reason: 'body unreadable' };
  }
  if (!body) return { ok: false, reason: 'body missing' };
  if (sha256Hex(body) !== row.body_sha256) return { ok: false, reason: 'body does not match its recorded SHA-256' };
  if (!trustArchive) {
    const receivedSeconds = Math.floor(Date.parse(row.received_at) / 1000);
    const verdict = source.scheme.verify({
      body,
      headers: row.headers,
      ...(row.url !== undefined && { url: row.url }),
      secrets,
      nowSeconds: receivedSeconds,
      toleranceSeconds: source.toleranceSeconds,
      options: source.options,
    });
    if (!verdict.valid) return { ok: false, reason: `signature: ${verdict.reason}` };
  }
  let payloadJson: string;
  try {
    const text = Buffer.from(body).toString('utf8');
    payloadJson = parseBody(
      contentTypeRule(source.scheme.contentTypes(source.options), row.content_type),
      text,
    ).payloadJson;
  } catch {
    return { ok: false, reason: 'body no longer parses as the content type it was received with' };
  }
  const headers: Record<string, string> = {};
  for (const name of source.forwardedHeaders) {
    const value = row.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const envelope = serializeEnvelope(
    { id: row.id, source: source.id, type: row.type, receivedAt: row.received_at, headers },
    payloadJson,
  );
  return { ok: true, body, envelope };
}
