/**
 * What an attempt keeps of the receiver's answer: status or error kind, latency, and for a failure the start of the
 * response body, up to 4 KiB (operators debug failures). A success's body is not kept (MAX_SUCCESS_BODY_BYTES):
 * a body is an item of its own with its shorter retention, a write on every attempt that has one, and a 2xx body
 * says little an operator needs (decision 0027: $0.65 per million deliveries).
 */
import type { Attempt } from '../model';
import { isSuccess } from '../model';
import { MAX_RESPONSE_BODY_BYTES, type SendResult } from '../ports';

/** The start of a 2xx response body that is kept: none. */
export const MAX_SUCCESS_BODY_BYTES = 0;
/** An error's detail is short by construction (`ECONNREFUSED`, `no response within 15000 ms`); this bounds it. */
const MAX_DETAIL_CHARS = 256;

/** The attempt record of `result`, made for attempt `number` of a delivery at `at`. */
export function toAttempt(
  ids: Pick<Attempt, 'tenantId' | 'deliveryId' | 'endpointId' | 'messageId'>,
  number: number,
  at: number,
  result: SendResult,
): Attempt {
  const base = { ...ids, number, at, latencyMs: Math.max(0, Math.round(result.latencyMs)) };
  if (result.kind === 'error')
    return { ...base, error: result.error, errorDetail: result.detail.slice(0, MAX_DETAIL_CHARS) };
  const cap = isSuccess(result.status) ? MAX_SUCCESS_BODY_BYTES : MAX_RESPONSE_BODY_BYTES;
  if (cap === 0) return { ...base, status: result.status };
  const body = truncateUtf8(result.body, cap);
  return {
    ...base,
    status: result.status,
    responseBody: body.text,
    responseBodyTruncated: result.bodyTruncated || body.truncated,
  };
}

/** The longest prefix of `text` that is at most `maxBytes` in UTF-8, cut between characters. */
export function truncateUtf8(text: string, maxBytes: number): { readonly text: string; readonly truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--; // back off to the start of a character
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
