/**
 * The retry policy: what happens to a delivery after an attempt.
 *
 * - A 2xx delivers. Anything else (3xx, 4xx, 5xx, timeout, DNS, TLS, connection, blocked) is retried.
 * - The schedule is the Standard Webhooks one by default: the first attempt at once, then retries after
 *   5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (10 attempts over about 3.1 days). An
 *   endpoint may set its own list of delays.
 * - Each delay gets ±20 % jitter, so deliveries that failed together do not retry together.
 * - `Retry-After` (delay-seconds or an HTTP-date) is honoured within bounds: it can only LENGTHEN the
 *   scheduled delay, never shorten it (a receiver cannot make us retry faster than the schedule), and it is
 *   capped at 24 h (a receiver cannot park a delivery indefinitely). It never adds attempts.
 * - 410 Gone ends the delivery (`exhausted`) and disables the endpoint.
 * - After the last attempt the delivery is `exhausted`; it stays replayable.
 */
import { isSuccess, type AttemptErrorKind } from '../model';

/** Delays before each retry, in seconds: the Standard Webhooks schedule after the immediate first attempt. */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = Object.freeze([
  5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400,
]);
/** Each delay is multiplied by a factor drawn uniformly from [1 - JITTER, 1 + JITTER). */
export const JITTER = 0.2;
/** The longest wait a `Retry-After` can ask for. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/** A source of uniform numbers in [0, 1), like Math.random. Injected so tests can pin it. */
export type Random = () => number;

export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'error'; readonly error: AttemptErrorKind };

export type NextStep =
  | { readonly status: 'delivered'; readonly disableEndpoint: false }
  | { readonly status: 'failed'; readonly nextAttemptAt: number; readonly disableEndpoint: false }
  | { readonly status: 'exhausted'; readonly disableEndpoint: boolean; readonly reason: 'gone' | 'no_attempts_left' };

export interface NextStepInput {
  readonly outcome: AttemptOutcome;
  /** The attempt just made, 1 for the first. */
  readonly attemptNumber: number;
  /** The endpoint's override, or the default schedule. */
  readonly delaysSeconds?: readonly number[];
  readonly nowMs: number;
  readonly random: Random;
}

/**
 * Decides the delivery's next state after an attempt.
 *
 * @example
 * nextStep({ outcome: { kind: 'response', status: 503 }, attemptNumber: 1, nowMs, random: Math.random })
 * // { status: 'failed', nextAttemptAt: nowMs + ~5000, disableEndpoint: false }
 */
export function nextStep(input: NextStepInput): NextStep {
  const { outcome, attemptNumber, nowMs } = input;
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) throw new RangeError('attemptNumber starts at 1');
  if (outcome.kind === 'response' && isSuccess(outcome.status)) return { status: 'delivered', disableEndpoint: false };
  if (outcome.kind === 'response' && outcome.status === 410)
    return { status: 'exhausted', disableEndpoint: true, reason: 'gone' };

  const delays = input.delaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
  const scheduled = delays[attemptNumber - 1];
  if (scheduled === undefined) return { status: 'exhausted', disableEndpoint: false, reason: 'no_attempts_left' };

  let delayMs = withJitter(scheduled * 1000, input.random);
  if (outcome.kind === 'response') {
    const asked = parseRetryAfter(outcome.retryAfter, nowMs);
    if (asked !== undefined) delayMs = Math.max(delayMs, Math.min(asked, MAX_RETRY_AFTER_SECONDS) * 1000);
  }
  return { status: 'failed', nextAttemptAt: nowMs + Math.round(delayMs), disableEndpoint: false };
}

/** `delayMs` scaled by a factor in [1 - JITTER, 1 + JITTER). */
export function withJitter(delayMs: number, random: Random): number {
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError('random() must return a number in [0, 1)');
  return delayMs * (1 + JITTER * (2 * r - 1));
}

const DELAY_SECONDS = /^\d{1,10}$/;
/** IMF-fixdate, the HTTP-date form senders must produce (RFC 9110 §5.6.7), e.g. `Wed, 21 Oct 2015 07:28:00 GMT`. */
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * A `Retry-After` value in seconds from `nowMs` (0 for a date in the past), or undefined when it is
 * absent or neither delay-seconds nor an IMF-fixdate.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text);
  if (IMF_FIXDATE.test(text)) {
    const at = Date.parse(text);
    return Number.isFinite(at) ? Math.max(0, Math.ceil((at - nowMs) / 1000)) : undefined;
  }
  return undefined;
}
