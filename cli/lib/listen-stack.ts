/**
 * `listen --stack NAME --forward-to URL`: a deployed stack's processed events, forwarded to a local URL (or per a
 * routing file), to develop a subscriber against real traffic. Removes what a killed `listen` left, creates the
 * temporary queue and subscription (stack-listener.ts), forwards (forwarder.ts) until Ctrl-C or SIGTERM, then
 * removes the queue and its subscription, saying how many events were still waiting in it.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { OUTPUTS } from '../../lib/stack-outputs';
import type { CliIo } from '../command';
import { deployedStack } from './deployed-stack';
import { forwardEvents, type Forwarded } from './forwarder';
import { listenRoutes, routeFor, subscriptionPolicy } from './listen-routes';
import { createListenQueue, HEARTBEAT_MS, heartbeat, removeLeftovers, removeListenQueue } from './stack-listener';
import { sqsClient } from './aws-clients';

export interface ListenStackOptions {
  readonly stack: string;
  readonly region?: string | undefined;
  readonly forwardTo?: string | undefined;
  readonly routes?: string | undefined;
  readonly sources?: readonly string[] | undefined;
  readonly types?: readonly string[] | undefined;
  readonly json: boolean;
  /** Resolves when the command should stop. @default SIGINT or SIGTERM */
  readonly stopped?: Promise<void>;
}

export async function listenToStack(options: ListenStackOptions, io: CliIo): Promise<number> {
  const routes = listenRoutes({
    routesFile: options.routes,
    forwardTo: options.forwardTo,
    sources: options.sources,
    types: options.types,
  });
  const policy = subscriptionPolicy(routes);
  const stack = await deployedStack(options.stack, options.region);
  const target = { name: stack.name, topicArn: stack.output(OUTPUTS.eventsTopicArn) };
  const clients = { sqs: sqsClient(stack.region), sns: new SNSClient({ region: stack.region }) };
  try {
    for (const name of await removeLeftovers(clients, target))
      io.err(`Removed ${name} and its subscription, left by a listen that did not stop cleanly.`);
    const queue = await createListenQueue(clients, target, policy);
    io.err(
      `Listening to ${stack.name}'s events through ${queue.name} (filter: ${JSON.stringify(policy)}); Ctrl-C stops and removes it.`,
    );
    for (const r of routes) io.err(`  → ${r.forwardTo}${describeFilter(r)}`);
    const abort = new AbortController();
    const beat = setInterval(() => void heartbeat(clients.sqs, queue.url).catch(() => undefined), HEARTBEAT_MS);
    const stopped = options.stopped ?? signalled();
    void stopped.then(() => abort.abort());
    try {
      await forwardEvents({
        sqs: clients.sqs,
        queueUrl: queue.url,
        route: (attributes) => routeFor(routes, attributes),
        signal: abort.signal,
        onForward: (f) => io.out(options.json ? JSON.stringify(f) : line(f)),
      });
    } finally {
      clearInterval(beat);
      abort.abort();
      const waiting = await waitingIn(clients.sqs, queue.url);
      await removeListenQueue(clients, target.topicArn, queue);
      io.err(
        `Removed ${queue.name} and its subscription${waiting > 0 ? `; ${waiting} event${waiting === 1 ? '' : 's'} not yet forwarded went with it` : ''}.`,
      );
    }
    return 0;
  } finally {
    clients.sqs.destroy();
    clients.sns.destroy();
  }
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function waitingIn(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await sqs
    .send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
    .catch(() => ({ Attributes: {} as Record<string, string> }));
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

function describeFilter(r: { source?: string[]; type?: string[]; typePrefix?: string[] }): string {
  const parts = [
    ...(r.source ? [`source ${r.source.join('|')}`] : []),
    ...(r.type || r.typePrefix
      ? [`type ${[...(r.type ?? []), ...(r.typePrefix ?? []).map((p) => `${p}*`)].join('|')}`]
      : []),
  ];
  return parts.length > 0 ? `  (${parts.join(', ')})` : '  (every event)';
}

function line(f: Forwarded): string {
  const what = `${f.source ?? '?'}  ${f.type ?? '?'}  ${f.eventId ?? '?'}`;
  if (f.forwardTo === undefined) return `${f.at}  ${what}  ${f.outcome}`;
  const result = f.delivered
    ? `→ ${f.outcome}`
    : `→ FAILED (${f.outcome}), attempt ${f.attempt}; kept, retried in ${f.retryInSeconds} s`;
  return `${f.at}  ${what}  ${f.forwardTo}  ${result}`;
}
