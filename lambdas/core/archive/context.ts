/**
 * What travels with a queued event for the archive. The verifier knows the exact bytes, the headers and which
 * secret matched; the processor writes the archive. So the verifier attaches an `ArchiveContext` to the queue
 * message as the `archive` message attribute (never published: the processor builds the topic's attributes itself).
 * The body is not copied into it when the envelope already carries it byte for byte (a JSON body is spliced into
 * the envelope as is): only a form, or a body whose bytes are not exactly UTF-8 text, travels again, base64-encoded.
 * Kept apart from record.ts so the verifier bundles no more than this.
 */
import { createHash } from 'node:crypto';

/** Headers never archived, whatever the source says: they carry the caller's credentials. */
export const NEVER_ARCHIVED_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/** The `archive` message attribute: what the processor needs, besides the envelope, to archive the request. */
export interface ArchiveContext {
  /** Request headers, lower-cased, minus NEVER_ARCHIVED_HEADERS (the source's deny list is applied on writing). */
  readonly h: Readonly<Record<string, string>>;
  /** The request URL (Twilio and others sign it). */
  readonly u?: string;
  /** Index of the secret that verified the signature. */
  readonly s: number;
  /** SHA-256 (hex) and length of the exact body. */
  readonly sha: string;
  readonly n: number;
  /** The exact body, base64, when the envelope's payload text is not it. */
  readonly b?: string;
  /** The claim-check key, when the body is in the archive rather than in the message. */
  readonly ref?: string;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The headers to archive: names lower-cased, credentials and the deny list dropped. */
export function archivedHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  deny: readonly string[] = [],
): Record<string, string> {
  const dropped = new Set([...NEVER_ARCHIVED_HEADERS, ...deny.map((d) => d.toLowerCase())]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value !== undefined && !dropped.has(lower)) out[lower] = value;
  }
  return out;
}

/**
 * The context of one accepted request. `payloadIsBody`: the envelope's payload is the body's own text (a JSON body,
 * decoded by a fatal UTF-8 decoder, so its text encodes back to the same bytes), and the body is not repeated.
 * `ref` names the claim-check object when the body is not in the message at all.
 */
export function archiveContext(input: {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly secretIndex: number;
  readonly body: Uint8Array;
  readonly payloadIsBody: boolean;
  readonly url?: string;
  readonly ref?: string;
}): ArchiveContext {
  const sha = sha256Hex(input.body);
  const inEnvelope = input.ref !== undefined || input.payloadIsBody;
  return {
    h: archivedHeaders(input.headers),
    ...(input.url !== undefined && { u: input.url }),
    s: input.secretIndex,
    sha,
    n: input.body.byteLength,
    ...(!inEnvelope && { b: Buffer.from(input.body).toString('base64') }),
    ...(input.ref !== undefined && { ref: input.ref }),
  };
}

/** The `archive` attribute's value back, or undefined when absent or not one (a message queued before #19). */
export function parseArchiveContext(value: string | undefined): ArchiveContext | undefined {
  if (value === undefined) return undefined;
  try {
    const c = JSON.parse(value) as ArchiveContext;
    return typeof c === 'object' && c !== null && typeof c.sha === 'string' && typeof c.h === 'object' ? c : undefined;
  } catch {
    return undefined;
  }
}
