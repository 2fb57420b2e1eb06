/**
 * The replay function (lambdas/replay): starts, runs and shows replay jobs over the archive. A run stops a minute
 * before its 15-minute timeout and invokes itself to continue from its checkpoint (decision 0020), so a replay
 * of millions of events is a chain of runs. It reads the archive, the sources' secrets (to verify each event again)
 * and the events table (jobs and markers), and publishes to the topic or, for a redrive, to the sources' queues.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BUNDLED_SOURCES_FILE, ENV } from '../../lambdas/contract';
import type { EventArchive } from './event-archive';
import type { EventStore } from './event-store';
import type { EventTopic } from './event-topic';
import { WebhookFunction, runtimeOf, type FunctionRuntimeProps } from './webhook-function';

export interface ReplayFunctionProps extends FunctionRuntimeProps {
  readonly archive: EventArchive;
  readonly eventStore: EventStore;
  readonly eventTopic: EventTopic;
  /** The config sources' file, as the verifier's (decision 0002): how each source verifies and where its queue is. */
  readonly bundledSources: string;
  /** Where the queues the file names are (the stack grants sending to them, and reading the sources' secrets). */
  readonly queues: { readonly queueUrlPrefix: string; readonly sharedQueueUrl?: string };
  readonly retentionDays: Readonly<Record<string, number | null>>;
  readonly subscriptionIds: readonly string[];
}

export class ReplayFunction extends Construct {
  public readonly function: WebhookFunction;

  constructor(scope: Construct, id: string, props: ReplayFunctionProps) {
    super(scope, id);
    this.function = new WebhookFunction(this, 'Function', {
      entry: 'bin/functions/replay.ts',
      serviceName: 'webhook-replay',
      description: 'Replays archived webhook events: verified again, paced, resumable (a chain of runs)',
      memorySize: 512,
      timeout: Duration.minutes(15),
      ...runtimeOf(props),
      bundledFiles: { [BUNDLED_SOURCES_FILE]: props.bundledSources },
      environment: {
        [ENV.eventsTable]: props.eventStore.table.tableName,
        [ENV.topicArn]: props.eventTopic.topic.topicArn,
        [ENV.archiveBucket]: props.archive.bucket.bucketName,
        [ENV.queueUrlPrefix]: props.queues.queueUrlPrefix,
        ...(props.queues.sharedQueueUrl !== undefined && { [ENV.sharedQueueUrl]: props.queues.sharedQueueUrl }),
        [ENV.archiveRetention]: JSON.stringify(props.retentionDays),
        [ENV.subscriptionIds]: JSON.stringify(props.subscriptionIds),
      },
    });
    const fn = this.function.lambdaFunction;
    props.eventStore.grantEventAccess(fn);
    props.eventTopic.grantPublish(fn);
    props.archive.grant(fn, { events: ['read'], payloads: ['read'], messages: ['write'], list: true });
    // Its own ARN in a policy of its own: in the role's default policy it would make the function depend on itself.
    new iam.Policy(this, 'ContinueRun', {
      roles: [this.function.role],
      statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] })],
    });
  }
}
