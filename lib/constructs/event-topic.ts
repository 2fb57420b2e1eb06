/**
 * The fan-out point: processors publish each processed event here with the message attributes
 * `source`, `type` and `eventId`; subscribers from the config receive what their filter allows.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SubscriptionConfig } from '../config-schema';
import { subscriptionFilterPolicy } from '../filter-policy';
import type { FilterPolicy } from '../filter-policy';
import { DurableQueue, deadLetterAlarm } from './durable-queue';

export interface EventTopicProps {
  /** Subscribers, from the config's `subscriptions`. @default - none */
  readonly subscriptions?: readonly SubscriptionConfig[];
  /**
   * The key SNS encrypts messages at rest with. SNS server-side encryption always uses KMS; the
   * AWS-managed `alias/aws/sns` key has no monthly fee, but publishes and deliveries make KMS
   * requests ($0.03 per 10,000 beyond the KMS free tier) that an unencrypted topic would not.
   * A customer-managed key would add $1/month; it is only needed for publishers that cannot use
   * `aws/sns`: other accounts, and AWS services such as CloudWatch alarms or EventBridge.
   *
   * @default - the AWS-managed key `alias/aws/sns`
   */
  readonly masterKey?: kms.IKey;
}

/** Converts a plain filter policy into the CDK's representation. */
export function toSnsFilterPolicy(
  policy: FilterPolicy | undefined,
): Record<string, sns.SubscriptionFilter> | undefined {
  if (!policy) return undefined;
  return Object.fromEntries(
    Object.entries(policy).map(([attribute, conditions]) => [attribute, new sns.SubscriptionFilter([...conditions])]),
  );
}

export class EventTopic extends Construct {
  public readonly topic: sns.Topic;
  /** Queues created for `sqs` subscriptions that named no `queueArn`, by subscription id. */
  public readonly subscriberQueues: Readonly<Record<string, DurableQueue>>;
  /**
   * Where SNS puts messages it could not deliver after its retries (Lambda, HTTPS and existing-queue
   * subscribers, whose delivery can fail), by subscription id.
   */
  public readonly deliveryDeadLetterQueues: Readonly<Record<string, sqs.Queue>>;
  /** Alarms on the delivery dead-letter queues, by subscription id; no action is attached. */
  public readonly deliveryDeadLetterAlarms: Readonly<Record<string, cloudwatch.Alarm>>;
  public readonly subscriptions: Readonly<Record<string, sns.Subscription>>;
  private readonly customerManagedKey: boolean;

  constructor(scope: Construct, id: string, props: EventTopicProps = {}) {
    super(scope, id);
    this.customerManagedKey = props.masterKey !== undefined;
    this.topic = new sns.Topic(this, 'Topic', {
      masterKey: props.masterKey ?? kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    const subscriberQueues: Record<string, DurableQueue> = {};
    const deliveryDeadLetterQueues: Record<string, sqs.Queue> = {};
    const deliveryDeadLetterAlarms: Record<string, cloudwatch.Alarm> = {};
    const created: Record<string, sns.Subscription> = {};
    for (const config of props.subscriptions ?? []) {
      const filterPolicy = toSnsFilterPolicy(subscriptionFilterPolicy(config));
      const deliveryDeadLetterQueue = (): sqs.Queue => {
        const dlq = new sqs.Queue(this, `${config.id}DeliveryDeadLetterQueue`, {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        });
        Validations.of(dlq).acknowledge({
          id: 'AwsSolutions-SQS3',
          reason:
            'This queue is itself a dead-letter queue: the redrive target of an SNS subscription, which cdk-nag only recognises for SQS-to-SQS redrives.',
        });
        deliveryDeadLetterAlarms[config.id] = deadLetterAlarm(
          this,
          `${config.id}DeliveryDeadLetterAlarm`,
          dlq,
          `SNS could not deliver events to subscription ${config.id}; they wait in its dead-letter queue.`,
        );
        deliveryDeadLetterQueues[config.id] = dlq;
        return dlq;
      };
      let subscription: sns.ITopicSubscription;
      switch (config.kind) {
        case 'sqs': {
          if (config.queueArn) {
            // An existing queue: its owner must allow sns:SendMessage from this topic in the queue policy.
            const queue = sqs.Queue.fromQueueArn(this, `${config.id}Queue`, config.queueArn);
            subscription = new subscriptions.SqsSubscription(queue, {
              rawMessageDelivery: true,
              filterPolicy,
              deadLetterQueue: deliveryDeadLetterQueue(),
            });
          } else {
            const queue = new DurableQueue(this, `${config.id}Subscriber`, {
              description: `subscription ${config.id}`,
            });
            subscriberQueues[config.id] = queue;
            subscription = new subscriptions.SqsSubscription(queue.queue, { rawMessageDelivery: true, filterPolicy });
          }
          break;
        }
        case 'lambda': {
          // sameEnvironment: the function is in this stack's account, so the stack adds the invoke permission.
          const fn = lambda.Function.fromFunctionAttributes(this, `${config.id}Function`, {
            functionArn: config.functionArn,
            sameEnvironment: true,
          });
          subscription = new subscriptions.LambdaSubscription(fn, {
            filterPolicy,
            deadLetterQueue: deliveryDeadLetterQueue(),
          });
          break;
        }
        case 'email':
          subscription = new subscriptions.EmailSubscription(config.address, { filterPolicy });
          break;
        case 'https':
          subscription = new subscriptions.UrlSubscription(config.url, {
            protocol: sns.SubscriptionProtocol.HTTPS,
            filterPolicy,
            deadLetterQueue: deliveryDeadLetterQueue(),
          });
          break;
      }
      created[config.id] = this.topic.addSubscription(subscription);
    }
    this.subscriberQueues = subscriberQueues;
    this.deliveryDeadLetterQueues = deliveryDeadLetterQueues;
    this.deliveryDeadLetterAlarms = deliveryDeadLetterAlarms;
    this.subscriptions = created;
  }

  /**
   * Lets a principal publish. With the AWS-managed key no KMS permission is needed: its key policy
   * already allows any principal of the account to use it through SNS. (The generic
   * `topic.grantPublish` would add kms actions on `key/*`, as it cannot know the key's id.)
   */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    if (this.customerManagedKey) return this.topic.grantPublish(grantee);
    return iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
  }
}
