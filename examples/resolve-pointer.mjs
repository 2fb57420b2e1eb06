/**
 * A plain consumer resolving an SNS extended-client pointer, without AWS's extended client libraries.
 *
 * The stack publishes an event larger than SNS's 256 KiB as the pointer
 *   ["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"…","s3Key":"messages/…"}]
 * with the Number message attribute `ExtendedPayloadSize` (docs/archive.md). A subscriber in Java or Python using
 * `amazon-sns-java-extended-client-lib` / `amazon-sns-extended-client` (or the SQS extended clients on the
 * subscribed queue) reads such messages unchanged. Anything else resolves the pointer itself, as below: its role
 * needs s3:GetObject on the archive's `messages/` prefix and kms:Decrypt through S3 (the stack's
 * `archive.largeMessageReaders`).
 *
 * Usage in an SQS-triggered Lambda (raw message delivery):
 *   import { resolveMessage } from './resolve-pointer.mjs';
 *   export const handler = async (event) => {
 *     for (const record of event.Records) {
 *       const envelope = JSON.parse(await resolveMessage(record.body, record.messageAttributes));
 *       // … envelope.id, envelope.type, envelope.payload
 *     }
 *   };
 * Locally (`npm start`), the bucket is the directory `.local-data/archive`: pass `{ localArchive: '.local-data/archive' }`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const POINTER_CLASS = 'software.amazon.payloadoffloading.PayloadS3Pointer';

/** The message body, fetched from S3 (or the local archive) when `body` is a pointer. */
export async function resolveMessage(body, attributes = {}, options = {}) {
  const offloaded = attributes.ExtendedPayloadSize ?? attributes.extendedPayloadSize;
  if (!offloaded || !body.startsWith(`["${POINTER_CLASS}"`)) return body;
  const [, { s3BucketName, s3Key }] = JSON.parse(body);
  if (options.localArchive) return readFile(join(options.localArchive, ...s3Key.split('/')), 'utf8');
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const client = options.s3 ?? new S3Client({});
  const object = await client.send(new GetObjectCommand({ Bucket: s3BucketName, Key: s3Key }));
  return object.Body.transformToString('utf8');
}
