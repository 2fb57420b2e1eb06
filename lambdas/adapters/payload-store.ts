/**
 * Where a message's payload lives when it is too large to be worth keeping in the outbound table (decision 0027): a
 * DynamoDB write costs one unit per KB and its storage $0.25 (+ $0.20 for point-in-time recovery) per GB-month, so
 * above `PAYLOAD_INLINE_MAX_BYTES` an S3 object (one PUT, a GET per attempt, $0.023 per GB-month) is cheaper, and the
 * message item keeps only its key. Deployed: a bucket whose lifecycle expires objects after the messages' retention;
 * locally: files under the data directory (local/payload-files.ts).
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Payloads up to this size stay in the message item; larger ones are stored apart. The crossover of the two costs
 * per million messages is 6 KiB (npm run cost:outbound prints it; decision 0027).
 */
export const PAYLOAD_INLINE_MAX_BYTES = 6 * 1024;

export interface PayloadStore {
  /** Stores `payload` under `key` (idempotent: the same key always gets the same bytes). */
  put(key: string, payload: string): Promise<void>;
  /** The payload stored under `key`; undefined when it is gone (expired). */
  get(key: string): Promise<string | undefined>;
}

/**
 * The key of a message's payload: derived from its tenant, id and fingerprint, so a retried submission writes the
 * same object again, and a conflicting one (same id, other payload: refused with 409) writes another, never read.
 */
export function payloadKey(m: {
  readonly tenantId: string;
  readonly id: string;
  readonly fingerprint: string;
}): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([m.tenantId, m.id, m.fingerprint]))
    .digest('hex');
  return `payloads/${digest.slice(0, 2)}/${digest}`;
}

export class S3PayloadStore implements PayloadStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, payload: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: payload, ContentType: 'application/json' }),
    );
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body?.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}
