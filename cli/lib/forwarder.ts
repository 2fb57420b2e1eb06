/**
 * `listen --stack`'s loop: long-polls the temporary queue and POSTs each event to its route's URL, with the event's
 * attributes as headers. A 2xx deletes the message; anything else (the receiver down, asleep, answering 500) is
 * reported and the message is hidden for a backoff (2 s doubling to a minute), so it is retried, not dropped, for
 * as long as the queue keeps it (4 days).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface Forwarded {
  readonly at: string;
  readonly source?: string;
  readonly type?: string;
  readonly eventId?: string;
  readonly forwardTo?: string;
  /** The receiver's status, or what went wrong. */
  readonly outcome: number | string;
  readonly delivered: boolean;
  /** How many times SQS has handed this event over. */
  readonly attempt: number;
  /** Seconds until the next try, when it failed. */
  readonly retryInSeconds?: number;
}

export interface ForwarderOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly route: (attributes: Readonly<Record<string, string>>) => string | undefined;
  readonly onForward: (f: Forwarded) => void;
  readonly signal: AbortSignal;
  /** @default 20 (SQS's longest long poll) */
  readonly waitSeconds?: number;
  /** Per request. @default 10 s */
  readonly timeoutMs?: number;
}

/** Seconds a failed event stays hidden before its `attempt + 1`th try. */
export function backoffSeconds(attempt: number): number {
  return Math.min(60, 2 ** Math.min(attempt, 6));
}

/** Runs until `signal` aborts. */
export async function forwardEvents(options: ForwarderOptions): Promise<void> {
  const { sqs, queueUrl, signal } = options;
  while (!signal.aborted) {
    let messages: Message[];
    try {
      ({ Messages: messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitSeconds ?? 20,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
        { abortSignal: signal },
      ));
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    await Promise.all(messages.map((m) => forwardOne(m, options)));
  }
}

async function forwardOne(message: Message, options: ForwarderOptions): Promise<void> {
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([k, v]) =>
      v.StringValue === undefined ? [] : [[k, v.StringValue]],
    ),
  );
  const attempt = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
  const url = options.route(attributes);
  const base = {
    at: new Date().toISOString(),
    ...(attributes.source !== undefined && { source: attributes.source }),
    ...(attributes.type !== undefined && { type: attributes.type }),
    ...(attributes.eventId !== undefined && { eventId: attributes.eventId }),
    attempt,
  };
  const remove = () =>
    options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
  if (url === undefined) {
    // The subscription's filter is the routes' union, so only a routes file changed under a running listen gets here.
    await remove();
    return options.onForward({ ...base, outcome: 'no route matches: not forwarded', delivered: false });
  }
  let outcome: number | string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(attributes.source !== undefined && { 'x-webhook-source': attributes.source }),
        ...(attributes.type !== undefined && { 'x-webhook-type': attributes.type }),
        ...(attributes.eventId !== undefined && { 'x-webhook-event-id': attributes.eventId }),
      },
      body: message.Body ?? '',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer();
    outcome = response.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    outcome = cause ?? (error instanceof Error ? error.name : String(error));
  }
  const delivered = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
  if (delivered) {
    await remove();
    return options.onForward({ ...base, forwardTo: url, outcome, delivered });
  }
  const retryInSeconds = backoffSeconds(attempt);
  await options.sqs
    .send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: retryInSeconds,
      }),
    )
    .catch(() => undefined);
  options.onForward({ ...base, forwardTo: url, outcome, delivered, retryInSeconds });
}
