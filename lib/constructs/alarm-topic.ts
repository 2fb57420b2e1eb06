/**
 * The one topic every alarm of the stack notifies (ALARM and OK): subscribe a pager, chat or e-mail to it. Encrypted
 * with its own customer-managed key (rotated): CloudWatch cannot publish to a topic under the AWS-managed `aws/sns`
 * key, whose policy cannot be edited. The key and the topic let the CloudWatch service use them only for alarms of
 * this account and region (`aws:SourceAccount`, `aws:SourceArn`: no confused deputy); like every topic here it
 * refuses non-TLS access.
 */
import { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: { readonly displayName?: string } = {}) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the alarm topic (CloudWatch alarms publish to it)',
      enableKeyRotation: true,
    });
    const cloudwatchService = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'Webhook stack alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchService],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions,
      }),
    );
  }
}

/** Makes each alarm notify `topic` when it goes to ALARM and when it returns to OK. */
export function notify(topic: sns.ITopic, alarms: readonly cloudwatch.Alarm[]): void {
  const action = new actions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
