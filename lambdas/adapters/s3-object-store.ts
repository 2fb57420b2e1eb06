/**
 * ObjectStore on S3: the archive bucket. Objects are encrypted by the bucket's default (SSE-KMS with a bucket key,
 * so KMS is called once per bucket key period rather than per object); every PUT sends a SHA-256 checksum, which
 * S3 verifies on receipt and which an Object Lock bucket requires.
 */
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore, PutOptions } from '../core/archive/ports';

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ChecksumAlgorithm: 'SHA256',
        ...(options.contentType && { ContentType: options.contentType }),
        ...(options.contentEncoding && { ContentEncoding: options.contentEncoding }),
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async list(prefix: string, options: { startAfter?: string; limit?: number } = {}): Promise<readonly string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(token === undefined && options.startAfter !== undefined && { StartAfter: options.startAfter }),
          ...(token !== undefined && { ContinuationToken: token }),
          MaxKeys: Math.min(1000, limit - keys.length),
        }),
      );
      for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined && keys.length < limit);
    return keys;
  }
}
