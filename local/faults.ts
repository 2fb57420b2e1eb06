/**
 * Fault injection by wrapping ports: the handlers run unchanged and see only a dependency that
 * fails or never answers, as in production. The local stack wraps its store, queue and topic once;
 * a test then says `stack.faults.queue.failNext('send')`.
 *
 * - `failNext(method)` rejects the next call(s) with an error (a throttling error, a network error…);
 * - `hangNext(method)` makes the next call(s) never settle: with the processor's timeout, that is a
 *   Lambda invocation dying mid-batch.
 * Calls are counted per method, so a test can assert "nothing was enqueued".
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';

type MethodName<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

export interface FaultOptions {
  /** How many calls the fault applies to. @default 1 */
  readonly times?: number;
  /** How many matching calls to let through first. @default 0 */
  readonly skip?: number;
}

interface Rule {
  readonly mode: 'fail' | 'hang';
  skip: number;
  remaining: number;
  readonly error: () => unknown;
}

export class FaultInjector<T extends object> {
  /** The wrapped port: pass this to the handlers. */
  readonly port: T;
  private readonly rules = new Map<string, Rule[]>();
  private readonly counts = new Map<string, number>();

  constructor(readonly target: T) {
    this.port = new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => this.call(prop, () => (value as (...a: unknown[]) => unknown).apply(obj, args));
      },
    });
  }

  /** Rejects the next call(s) of `method` with `error` (default: a generic service error). */
  failNext(method: MethodName<T>, options: FaultOptions & { readonly error?: unknown | (() => unknown) } = {}): this {
    const error = options.error ?? new Error(`injected fault: ${method}`);
    return this.add(method, 'fail', options, typeof error === 'function' ? (error as () => unknown) : () => error);
  }

  /** The next call(s) of `method` never settle: the caller hangs until its own timeout. */
  hangNext(method: MethodName<T>, options: FaultOptions = {}): this {
    return this.add(method, 'hang', options, () => undefined);
  }

  /** How many times `method` was called through the wrapper (faulted calls included). */
  calls(method: MethodName<T>): number {
    return this.counts.get(method) ?? 0;
  }

  /** Removes every pending fault and resets the counters. */
  reset(): void {
    this.rules.clear();
    this.counts.clear();
  }

  private add(method: string, mode: Rule['mode'], options: FaultOptions, error: () => unknown): this {
    const list = this.rules.get(method) ?? [];
    list.push({ mode, skip: options.skip ?? 0, remaining: options.times ?? 1, error });
    this.rules.set(method, list);
    return this;
  }

  private call(method: string, invoke: () => unknown): unknown {
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    const rule = this.rules.get(method)?.find((r) => r.remaining > 0);
    if (rule) {
      if (rule.skip > 0) {
        rule.skip--;
      } else {
        rule.remaining--;
        if (rule.mode === 'hang') return new Promise(() => undefined);
        return Promise.reject(rule.error());
      }
    }
    return invoke();
  }
}

/** The error DynamoDB returns when a table is throttled. */
export function throttlingError(): Error {
  return new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded (injected).',
    $metadata: { httpStatusCode: 400 },
  });
}

/**
 * Wraps a port so that, once `isFrozen()` turns true, every later call never settles: what a Lambda
 * invocation that timed out or crashed does with its remaining work. Calls already under way finish.
 */
export function freezable<T extends object>(target: T, isFrozen: () => boolean): T {
  return new Proxy(target, {
    get: (obj, prop, receiver) => {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        isFrozen() ? new Promise(() => undefined) : (value as (...a: unknown[]) => unknown).apply(obj, args);
    },
  });
}
