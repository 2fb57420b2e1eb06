/**
 * An S3 ObjectStore whose module (and SDK client) is loaded on first use: the verifier needs S3 only for the rare
 * body too large for the queue, and should not pay the S3 client's initialization in every cold start. A separate
 * module, so that nothing imports the S3 client statically on the verifier's path.
 */
import type { ObjectStore } from '../core/archive/ports';

export function lazyS3ObjectStore(bucket: string): ObjectStore {
  let loaded: Promise<ObjectStore> | undefined;
  const store = () =>
    (loaded ??= Promise.all([import('@aws-sdk/client-s3'), import('./s3-object-store')]).then(
      ([{ S3Client }, { S3ObjectStore }]) => new S3ObjectStore(new S3Client({}), bucket),
    ));
  return {
    bucket,
    put: async (key, body, options) => (await store()).put(key, body, options),
    get: async (key) => (await store()).get(key),
    list: async (prefix, options) => (await store()).list(prefix, options),
  };
}
