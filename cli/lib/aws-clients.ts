/**
 * The AWS clients the deployed commands use, in the stack's region, with the standard credential chain. One
 * adjustment: the SQS client sends a queue's requests to the host in its QueueUrl unless an endpoint is set in
 * code, so with `AWS_ENDPOINT_URL` (another SQS-compatible server: the tests' moto) that is turned off, and every
 * request goes where the variable says, as the other clients' do.
 */
import { SQSClient } from '@aws-sdk/client-sqs';

export function sqsClient(region: string, env: NodeJS.ProcessEnv = process.env): SQSClient {
  const redirected = Boolean(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL);
  return new SQSClient({ region, ...(redirected && { useQueueUrlAsEndpoint: false }) });
}
