/**
 * An S3 ObjectStore whose module (and SDK client) is loaded on first use: the verifier needs S3 only for the rare
 * body too large for the queue, and should not pay the S3 client's initialization in every cold start. A separate
 * module, so that nothing imports the S3 client statically on the verifier's path (S3ObjectStore takes its commands
 * as a parameter for the same reason; test/infra/bundling.test.ts holds the bundle to it).
 */
import type { ObjectStore } from '../core/archive/ports';
import { S3ObjectStore } from './s3-object-store';

export function lazyS3ObjectStore(bucket: string): ObjectStore {
  let loaded: Promise<ObjectStore> | undefined;
  const store = () =>
    (loaded ??= import('@aws-sdk/client-s3').then((sdk) => new S3ObjectStore(new sdk.S3Client({}), bucket, sdk)));
  return {
    bucket,
    put: async (key, body, options) => (await store()).put(key, body, options),
    get: async (key) => (await store()).get(key),
    list: async (prefix, options) => (await store()).list(prefix, options),
  };
}
