/**
 * ObjectStore on S3: the archive bucket. Objects are encrypted by the bucket's default (SSE-KMS with a bucket key,
 * so KMS is called once per bucket key period rather than per object); every PUT sends a SHA-256 checksum, which
 * S3 verifies on receipt and which an Object Lock bucket requires.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { ObjectStore, PutOptions } from '../core/archive/ports';

/**
 * The commands the store sends, passed in rather than imported: this module then imports nothing of the S3 client
 * at run time, so the verifier, which loads the client on first use (lazy-s3-object-store.ts), does not import it
 * at INIT through this file (an ESM bundle hoists every static import of an external module).
 */
export type S3Commands = Pick<typeof S3, 'GetObjectCommand' | 'ListObjectsV2Command' | 'PutObjectCommand'>;

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3.S3Client,
    readonly bucket: string,
    private readonly commands: S3Commands,
  ) {}

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<void> {
    await this.client.send(
      new this.commands.PutObjectCommand({
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
      const out = await this.client.send(new this.commands.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async list(prefix: string, options: { startAfter?: string; limit?: number } = {}): Promise<readonly string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    do {
      const out = await this.client.send(
        new this.commands.ListObjectsV2Command({
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
