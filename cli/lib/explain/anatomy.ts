/**
 * What a scheme signs, read from its own description (the one verify and sign read): the template, the
 * algorithm, the headers it reads, and, when the headers say enough, the exact signed bytes of a request.
 */
import type { KeyObject } from 'node:crypto';
import { hmacKey } from '../../../lambdas/core/signatures/crypto';
import {
  signatureHeaders,
  type DigestEncoding,
  type HmacAlgorithm,
  type Layout,
} from '../../../lambdas/core/signatures/description';
import { type Scheme, type SchemeName, schemes, type VerifyRequest } from '../../../lambdas/core/signatures/index';
import { bodyIsHashed, signedBytes } from '../../../lambdas/core/signatures/signed-content';
import { readRequest } from '../../../lambdas/core/signatures/verify';

export interface Anatomy {
  readonly layout: Layout;
  readonly template: string;
  readonly algorithm?: HmacAlgorithm;
  readonly encoding: DigestEncoding;
  /** Headers the scheme reads, for "missing header" hints. */
  readonly headers: readonly string[];
  /** The exact signed bytes, when the headers say enough to rebuild them. */
  readonly signed?: Uint8Array;
  readonly received: readonly Buffer[];
  readonly timestampSeconds?: number;
  readonly key: (secret: string) => KeyObject | undefined;
}

/** The layout's template as a reader knows its parts: `{t}.{body}`, `{webhook-id}.{timestamp}.{body}`. */
export function describeTemplate(layout: Layout): string {
  if (layout.signature.format === 'token') return `nothing: the ${layout.signature.header} header is the secret itself`;
  const s = layout.signature;
  const from = layout.timestamp?.from;
  let template = layout.signedContent
    .replaceAll('{timestamp}', s.format === 'pairs' ? `{${s.timestampKey}}` : '{timestamp}')
    .replaceAll('{id}', `{${layout.idHeaders?.[0] ?? 'id'}}`)
    .replaceAll('{params}', '{form parameters sorted by name, as name+value}');
  if (typeof from === 'object' && 'bodyField' in from)
    template += ` (the send time is the body's ${from.bodyField}, in ${from.unit})`;
  if (layout.url?.bodyHashParam)
    template += ` (a JSON body is not signed: the URL's ${layout.url.bodyHashParam} is its hex SHA-256)`;
  return template;
}

export function anatomy(scheme: Scheme<unknown>, request: VerifyRequest<unknown>): Anatomy {
  const layout = scheme.layout(request.options);
  const read = readRequest(layout, request);
  const from = layout.timestamp?.from;
  const ok = !('valid' in read);
  let timestampSeconds = ok ? read.timestampSeconds : undefined;
  if (typeof from === 'object' && 'bodyField' in from) {
    const ms = bodyNumber(request.body, from.bodyField);
    if (ms !== undefined) timestampSeconds = ms / 1000;
  }
  const headers = [
    ...signatureHeaders(layout),
    ...(layout.idHeaders?.slice(0, 1) ?? []),
    ...(typeof from === 'object' && 'header' in from ? from.header.slice(0, 1) : []),
  ];
  // A Twilio JSON body is not signed: the URL is, and its bodySHA256 covers the body.
  const hashed = ok && bodyIsHashed(layout, read.url);
  return {
    layout,
    template: hashed
      ? `{url} (a JSON body is signed through the URL's ${layout.url?.bodyHashParam}: its hex SHA-256)`
      : describeTemplate(layout),
    ...(layout.algorithm && { algorithm: layout.algorithm }),
    encoding: layout.encoding,
    headers,
    ...(ok && layout.algorithm && { signed: signedBytes(layout, read, request.body) }),
    received: ok ? read.received.candidates : [],
    ...(timestampSeconds !== undefined && { timestampSeconds }),
    key: (secret) => (secret === '' ? undefined : (hmacKey(layout.key, secret) ?? undefined)),
  };
}

function bodyNumber(body: Uint8Array, field: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    const value =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Signature headers of every scheme (hmac's is whatever a source configures), to spot a request verified with the wrong scheme. */
export const SIGNATURE_HEADERS: readonly (readonly [string, SchemeName])[] = Object.values(schemes)
  .filter((s) => s.name !== 'hmac')
  .flatMap((s) => signatureHeaders(s.layout(s.optionsSchema.parse({}))).map((h): [string, SchemeName] => [h, s.name]));
