/**
 * One request as `send` makes it, and what the answer means to the provider: 202 accepted, 200
 * duplicate, 200 with an empty body (Slack forms: accepted or duplicate, the provider cannot tell),
 * 409 in flight, 4xx rejected, 5xx or no answer an error.
 */

export type Outcome = 'accepted' | 'duplicate' | 'acknowledged' | 'in_flight' | 'rejected' | 'error';

export interface Result {
  readonly outcome: Outcome;
  readonly status: number;
  readonly latencyMs: number;
  readonly id?: string;
  readonly code?: string;
}

export interface Answer {
  readonly result: Result;
  /** The response body as received. */
  readonly text: string;
  readonly contentType: string | undefined;
}

export async function request(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Buffer },
): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const latencyMs = performance.now() - started;
    let parsed: { status?: string; id?: string; error?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // not JSON
    }
    const s = response.status;
    const outcome: Outcome =
      s === 202
        ? 'accepted'
        : s === 200 && text === ''
          ? 'acknowledged'
          : s === 200
            ? 'duplicate'
            : s === 409
              ? 'in_flight'
              : s >= 400 && s < 500
                ? 'rejected'
                : s >= 500
                  ? 'error'
                  : 'accepted';
    return {
      result: {
        outcome,
        status: s,
        latencyMs,
        ...(parsed.id && { id: parsed.id }),
        ...(parsed.error && { code: parsed.error }),
      },
      text,
      contentType: response.headers.get('content-type') ?? undefined,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      result: {
        outcome: 'error',
        status: 0,
        latencyMs: performance.now() - started,
        code: cause ?? (error instanceof Error ? error.name : 'error'),
      },
      text: '',
      contentType: undefined,
    };
  }
}

/** A POST of signed bytes, as the provider makes it. */
export async function post(url: string, headers: Record<string, string>, body: Buffer): Promise<Result> {
  return (await request(url, { method: 'POST', headers, body })).result;
}

/** The line explaining a failure to connect. */
export function unreachable(url: string, result: Result): string {
  const hint = result.code === 'ECONNREFUSED' ? ' — is the local stack running? Start it with `npm start`.' : '';
  return `could not reach ${url}: ${result.code ?? 'error'}${hint}`;
}
