/**
 * A local SQS event source mapping: polls one queue and invokes the processor handler with real
 * `SQSEvent` batches, like Lambda's poller with `ReportBatchItemFailures`:
 * - up to `batchSize` records per invocation, up to `maxConcurrency` invocations at once, an optional
 *   batching window;
 * - the records the handler does not report in `batchItemFailures` are deleted; the reported ones stay
 *   hidden until their visibility timeout ends and are then received again (the queue moves them to
 *   the DLQ after `maxReceiveCount`);
 * - an invocation that throws, returns an invalid response, or runs past its timeout fails the whole
 *   batch. A timed-out invocation is frozen, as Lambda stops the sandbox: any port call it makes
 *   afterwards never happens.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Log } from '../lambdas/core/kernel/log';
import { LOCAL_REGION, type LocalQueue, type ReceivedMessage } from './queue';

export type ProcessorInvoke = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface EventSourceOptions {
  readonly queue: LocalQueue;
  readonly functionName: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly batchingWindowMs: number;
  /** The function timeout. */
  readonly timeoutMs: number;
  /**
   * Builds the handler for one invocation; `isFrozen` turns true when the invocation has ended,
   * so the ports it was given can stop answering (see `freezable`).
   */
  readonly createHandler: (isFrozen: () => boolean) => ProcessorInvoke;
  readonly log: Log;
  /** Reports what happened to each record of each invocation. */
  readonly onRecord?: (record: RecordOutcome) => void;
}

export interface RecordOutcome {
  readonly queue: string;
  readonly message: ReceivedMessage;
  readonly outcome: 'deleted' | 'retry';
  /** Why the record was not deleted. */
  readonly reason?: 'reported_failure' | 'invocation_error' | 'timeout' | 'invalid_response';
}

export class SqsEventSource {
  private running = false;
  private paused = false;
  private pumping = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly onMessage = () => this.pump();
  private windowStartedAt: number | undefined;
  invocations = 0;

  constructor(private readonly options: EventSourceOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.queue.on('message', this.onMessage);
    this.pump();
  }

  /** Stops taking new batches (invocations in flight continue). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Stops polling and waits for the invocations in flight to finish (each is bounded by its timeout). */
  async stop(): Promise<void> {
    this.running = false;
    this.options.queue.off('message', this.onMessage);
    clearTimeout(this.timer);
    await this.idle();
  }

  /** Resolves when no invocation is in flight. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  get busy(): number {
    return this.inflight.size;
  }

  private pump(): void {
    if (this.pumping || !this.running || this.paused) return;
    this.pumping = true;
    void (async () => {
      try {
        const { queue, batchSize, maxConcurrency } = this.options;
        while (this.running && !this.paused && this.inflight.size < maxConcurrency && queue.hasVisible()) {
          if (this.waitForWindow()) break;
          const batch = await queue.receive(batchSize);
          if (batch.length === 0) continue;
          this.launch(batch);
        }
      } catch (error) {
        this.options.log.error('poller failed to receive', {
          queue: this.options.queue.settings.name,
          cause: String(error),
        });
      } finally {
        this.pumping = false;
        this.schedule();
      }
    })();
  }

  /** With a batching window, hold a partial batch until the window has passed since its first message. */
  private waitForWindow(): boolean {
    const { batchingWindowMs, batchSize, queue } = this.options;
    if (batchingWindowMs <= 0 || queue.stats().visible >= batchSize) {
      this.windowStartedAt = undefined;
      return false;
    }
    const now = Date.now();
    this.windowStartedAt ??= now;
    if (now - this.windowStartedAt >= batchingWindowMs) {
      this.windowStartedAt = undefined;
      return false;
    }
    return true;
  }

  /** Wakes up for the next message to become visible again, or the end of a batching window. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running || this.paused) return;
    const now = Date.now();
    const at = [
      this.options.queue.nextVisibleAt(),
      this.windowStartedAt !== undefined ? this.windowStartedAt + this.options.batchingWindowMs : undefined,
    ].filter((t): t is number => t !== undefined);
    if (at.length === 0) return;
    const delay = Math.max(1, Math.min(...at) - now + 1);
    this.timer = setTimeout(() => this.pump(), delay);
    this.timer.unref();
  }

  private launch(batch: ReceivedMessage[]): void {
    const run = this.invoke(batch)
      .catch((error: unknown) => this.options.log.error('invocation bookkeeping failed', { cause: String(error) }))
      .finally(() => {
        this.inflight.delete(run);
        this.pump();
      });
    this.inflight.add(run);
  }

  private async invoke(batch: ReceivedMessage[]): Promise<void> {
    const { queue, timeoutMs, log } = this.options;
    this.invocations++;
    const deadline = Date.now() + timeoutMs;
    let frozen = false;
    const handler = this.options.createHandler(() => frozen);
    const event: SQSEvent = { Records: batch.map((m) => toSqsRecord(m, queue.arn)) };
    const context = lambdaContext(this.options.functionName, timeoutMs, deadline);

    let response: SQSBatchResponse | undefined;
    let reason: RecordOutcome['reason'];
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new InvocationTimeout()), timeoutMs);
      });
      response = await Promise.race([handler(event, context), timeout]);
    } catch (error) {
      reason = error instanceof InvocationTimeout ? 'timeout' : 'invocation_error';
      if (reason === 'timeout')
        log.warn('processor timed out; the batch returns to the queue after its visibility timeout', {
          function: this.options.functionName,
          records: batch.length,
        });
      else
        log.error('processor invocation failed; the batch returns to the queue', {
          function: this.options.functionName,
          cause: String(error),
        });
    } finally {
      clearTimeout(timer);
      frozen = true;
    }

    let failed: Set<string>;
    if (response === undefined) {
      failed = new Set(batch.map((m) => m.id));
    } else {
      const ids = new Set(batch.map((m) => m.id));
      const reported = (response.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      if (reported.some((id) => typeof id !== 'string' || !ids.has(id))) {
        // Lambda treats an unknown or empty itemIdentifier as a failure of the whole batch.
        reason = 'invalid_response';
        failed = ids;
      } else {
        reason = 'reported_failure';
        failed = new Set(reported);
      }
    }
    for (const message of batch) {
      if (failed.has(message.id)) {
        this.options.onRecord?.({ queue: queue.settings.name, message, outcome: 'retry', ...(reason && { reason }) });
      } else {
        await queue.delete(message.receiptHandle);
        this.options.onRecord?.({ queue: queue.settings.name, message, outcome: 'deleted' });
      }
    }
  }
}

class InvocationTimeout extends Error {
  override readonly name = 'InvocationTimeout';
}

/** The record Lambda's SQS poller passes to the function. */
export function toSqsRecord(m: ReceivedMessage, queueArn: string): SQSRecord {
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(m.attributes)) {
    messageAttributes[name] = { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' };
  }
  return {
    messageId: m.id,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: 'AROALOCALVERIFIER:webhook-verifier',
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
    },
    messageAttributes,
    md5OfBody: m.md5OfBody,
    ...(Object.keys(m.attributes).length > 0 && { md5OfMessageAttributes: md5OfMessageAttributes(m.attributes) }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/** SQS's MD5 of String message attributes: names sorted, each field length-prefixed, transport type 1. */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, string>>): string {
  const hash = createHash('md5');
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    field(name);
    field('String');
    hash.update(Buffer.from([1]));
    field(attributes[name]!);
  }
  return hash.digest('hex');
}

function lambdaContext(functionName: string, timeoutMs: number, deadline: number): Context {
  const unsupported = () => {
    throw new Error('callback-style completion is not supported by async handlers');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${timeoutMs}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
