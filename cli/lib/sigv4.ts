/**
 * SigV4 for the outbound API deployed (its `/v1` routes are IAM-authorized): service `execute-api`, credentials
 * from the standard provider chain (environment, `AWS_PROFILE` and ~/.aws files, SSO, process, container and
 * instance roles). Nothing here prints or returns a credential except inside the signed headers.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { isIP } from 'node:net';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { UsageError } from '../command';

type SignerInit = ConstructorParameters<typeof SignatureV4>[0];
type SourceData = string | ArrayBuffer | ArrayBufferView;

/** node:crypto as the signer's hash: SHA-256, or HMAC-SHA-256 when constructed with a key. */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(chunk: Uint8Array | string): void {
    this.hash.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    const key = this.secret;
    if (key === undefined) return createHash('sha256');
    return createHmac(
      'sha256',
      typeof key === 'string'
        ? key
        : ArrayBuffer.isView(key)
          ? Buffer.from(key.buffer, key.byteOffset, key.byteLength)
          : Buffer.from(key),
    );
  }
}

/** localhost, 127.0.0.0/8 and ::1: the local stack, which has no IAM to sign for. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

const EXECUTE_API_HOST = /\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * `--region`, else the region in an `…execute-api.<region>.amazonaws.com` host (it names where the API is), else
 * `AWS_REGION` (a custom domain name does not say).
 */
export function regionFor(url: URL, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const region = flag ?? EXECUTE_API_HOST.exec(url.hostname)?.[1] ?? (env.AWS_REGION || undefined);
  if (region === undefined) {
    throw new UsageError(
      `SigV4 needs the API's region: pass --region, set AWS_REGION, or use its execute-api.<region>.amazonaws.com URL (${url.host} does not name one)`,
    );
  }
  return region;
}

export interface SignInput {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly region: string;
  /** @default the standard provider chain */
  readonly credentials?: SignerInit['credentials'];
}

/** The headers to send: `headers` plus host, x-amz-date, x-amz-content-sha256 (the body's hash), session token and Authorization. */
export async function signedHeaders(url: URL, input: SignInput): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: input.region,
    credentials: input.credentials ?? defaultProvider(),
    sha256: NodeSha256,
  });
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  try {
    const signed = await signer.sign({
      method: input.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port !== '' && { port: Number(url.port) }),
      path: url.pathname,
      query,
      headers: { ...input.headers, host: url.host },
      ...(input.body !== undefined && { body: input.body }),
    });
    return signed.headers;
  } catch (error) {
    // The provider chain's errors name the sources it tried, never a secret.
    throw new Error(`cannot sign the request with SigV4: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
