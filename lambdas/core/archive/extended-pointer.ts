/**
 * The pointer format of AWS's SNS and SQS extended client libraries (Java `amazon-sns-java-extended-client-lib`,
 * Python `amazon-sns-extended-client`): a published message too large for SNS is stored in S3 and the message body
 * becomes `["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":"…","s3Key":"…"}]`, with the
 * reserved Number attribute `ExtendedPayloadSize` set to the stored message's size. Subscribers using those libraries
 * read such messages unchanged; examples/resolve-pointer.mjs shows a plain consumer doing it by hand.
 */
export const POINTER_CLASS = 'software.amazon.payloadoffloading.PayloadS3Pointer';

export interface S3Pointer {
  readonly s3BucketName: string;
  readonly s3Key: string;
}

export function extendedPointer(bucket: string, key: string): string {
  return JSON.stringify([POINTER_CLASS, { s3BucketName: bucket, s3Key: key }]);
}

/** The pointer in `message`, or undefined when it is an ordinary message. */
export function parseExtendedPointer(message: string): S3Pointer | undefined {
  if (!message.startsWith(`["${POINTER_CLASS}"`)) return undefined;
  try {
    const [, pointer] = JSON.parse(message) as [string, Partial<S3Pointer>];
    return typeof pointer?.s3BucketName === 'string' && typeof pointer.s3Key === 'string'
      ? { s3BucketName: pointer.s3BucketName, s3Key: pointer.s3Key }
      : undefined;
  } catch {
    return undefined;
  }
}
