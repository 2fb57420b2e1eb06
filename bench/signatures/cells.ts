/** bench:signatures inputs: a validly signed request per scheme and size, its floor, and the timed implementations. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { schemes as sourceSchemes } from '../../lambdas/core/signatures/index';
import { sortedFormParams } from '../../lambdas/core/signatures/signed-content';
import type { SchemeName, VerifyRequest } from '../../lambdas/core/signatures/index';

export const SIZES = [1024, 8192, 65536] as const;
export const WARMUP_MS = 40;

export const SECRETS: Readonly<Record<SchemeName, string>> = {
  stripe: 'whsec_bench_5f2b1c0e9d8a7b6c5d4e3f2a1b0c9d8e',
  github: 'gh-webhook-secret-bench',
  shopify: 'shpss_0123456789abcdef0123456789abcdef',
  slack: '8f742231b10e8888abcd99ffe0d85a5f',
  'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  twilio: '0123456789abcdef0123456789abcdef',
  square: 'square-signature-key-bench',
  paddle: 'pdl_ntfset_01h0000000000000000000000_abcdefghijklmnopqrstuvwxyz012345',
  linear: 'lin_wh_bench_secret',
  zoom: 'zoom-secret-token-bench',
  entrupy: 'entrupy-secret-bench',
  meta: 'meta-app-secret-bench',
  gitlab: 'glpat-bench-token-0123456789',
  hmac: 'in-house-secret-bench',
};
export const URL_SIGNED = 'https://hooks.example.com/webhooks/bench';
/** hmac is benchmarked in its timestamped form (the dearer one): `{timestamp}.{body}`, epoch seconds. */
export const HMAC_OPTIONS = {
  timestampHeader: 'X-Webhook-Timestamp',
  timestampFormat: 'epoch',
  signedContent: '{timestamp}.{body}',
};

// ---------------------------------------------------------------------------------------------
// Inputs

export const FILLER = 'The quick brown fox jumps over the lazy dog 0123456789 ';

export function pad(length: number): string {
  return FILLER.repeat(Math.ceil(length / FILLER.length) + 1).slice(0, Math.max(0, length));
}

/** A JSON body of exactly `size` bytes; `tail` fields go last (Linear puts webhookTimestamp there). */
export function jsonBody(size: number, tail: Record<string, unknown> = {}): Buffer {
  const doc = { id: 'evt_1Nbench0000', type: 'bench.event', data: { object: { pad: '' } }, ...tail };
  const empty = Buffer.byteLength(JSON.stringify(doc));
  doc.data.object.pad = pad(size - empty);
  const body = Buffer.from(JSON.stringify(doc));
  if (body.length !== size) throw new Error(`json body is ${body.length} bytes, wanted ${size}`);
  return body;
}

/** A Twilio-style form body of exactly `size` bytes. */
export function formBody(size: number): Buffer {
  const head =
    'AccountSid=AC0123456789abcdef0123456789abcdef&CallSid=CA1234567890ABCDE&From=%2B12349013030&To=%2B18005551212&Body=';
  return Buffer.from(head + pad(size - head.length).replaceAll(' ', '+'));
}

export interface Floor {
  readonly algorithm: 'sha1' | 'sha256' | 'hash';
  readonly key: Buffer;
  /** The exact bytes the scheme signs, concatenated once at setup. */
  readonly signed: Buffer;
  readonly expected: Buffer;
}

export interface Cell {
  readonly scheme: SchemeName;
  readonly size: number;
  readonly request: VerifyRequest<unknown>;
  readonly floor: Floor;
  readonly bodyText: string;
  readonly verify: (request: VerifyRequest<unknown>) => { readonly valid: boolean };
}

export type Schemes = typeof sourceSchemes;

/** lambdas/core/signatures bundled as the stack bundles the verifier (ESM, minified), then imported. */
export async function bundledSchemes(): Promise<Schemes> {
  const entry = fileURLToPath(new URL('../../lambdas/core/signatures/index.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    write: false,
  });
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-signatures-'));
  const file = join(dir, 'signatures.mjs');
  writeFileSync(file, result.outputFiles[0]!.contents);
  try {
    return ((await import(pathToFileURL(file).href)) as { schemes: Schemes }).schemes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function buildCell(schemes: Schemes, name: SchemeName, size: number, nowSeconds: number): Cell {
  const scheme = schemes[name];
  const secret = SECRETS[name];
  const options: unknown = scheme.optionsSchema.parse(name === 'hmac' ? HMAC_OPTIONS : {});
  const body =
    name === 'twilio'
      ? formBody(size)
      : name === 'linear'
        ? jsonBody(size, { webhookTimestamp: nowSeconds * 1000 })
        : jsonBody(size);
  // As an API Gateway event delivers them: strings from JSON.parse.
  const headers = JSON.parse(
    JSON.stringify(scheme.sign({ body, secret, timestampSeconds: nowSeconds, url: URL_SIGNED, options })),
  ) as Record<string, string>;
  const request: VerifyRequest<unknown> = { body, headers, url: URL_SIGNED, secrets: [secret], nowSeconds, options };
  const utf8 = Buffer.from(secret);
  const t = String(nowSeconds);
  const hex = (text: string) => Buffer.from(text, 'hex');
  const b64 = (text: string) => Buffer.from(text, 'base64');
  const h = (key: string) => headers[key] as string;
  let floor: Floor;
  switch (name) {
    case 'stripe':
      floor = {
        algorithm: 'sha256',
        key: utf8,
        signed: Buffer.concat([Buffer.from(`${t}.`), body]),
        expected: hex(h('stripe-signature').split('v1=')[1]!),
      };
      break;
    case 'github':
    case 'meta':
      floor = {
        algorithm: 'sha256',
        key: utf8,
        signed: body,
        expected: hex(h('x-hub-signature-256').slice('sha256='.length)),
      };
      break;
    case 'shopify':
      floor = { algorithm: 'sha256', key: utf8, signed: body, expected: b64(h('x-shopify-hmac-sha256')) };
      break;
    case 'slack':
    case 'zoom': {
      const sig = name === 'slack' ? 'x-slack-signature' : 'x-zm-signature';
      floor = {
        algorithm: 'sha256',
        key: utf8,
        signed: Buffer.concat([Buffer.from(`v0:${t}:`), body]),
        expected: hex(h(sig).slice(3)),
      };
      break;
    }
    case 'standard-webhooks':
      floor = {
        algorithm: 'sha256',
        key: b64(secret.slice('whsec_'.length)),
        signed: Buffer.concat([Buffer.from(`${h('webhook-id')}.${t}.`), body]),
        expected: b64(h('webhook-signature').slice(3)),
      };
      break;
    case 'twilio':
      floor = {
        algorithm: 'sha1',
        key: utf8,
        signed: Buffer.from(URL_SIGNED + sortedFormParams(body)),
        expected: b64(h('x-twilio-signature')),
      };
      break;
    case 'square':
      floor = {
        algorithm: 'sha256',
        key: utf8,
        signed: Buffer.concat([Buffer.from(URL_SIGNED), body]),
        expected: b64(h('x-square-hmacsha256-signature')),
      };
      break;
    case 'paddle':
      floor = {
        algorithm: 'sha256',
        key: utf8,
        signed: Buffer.concat([Buffer.from(`${t}:`), body]),
        expected: hex(h('paddle-signature').split('h1=')[1]!),
      };
      break;
    case 'linear':
      floor = { algorithm: 'sha256', key: utf8, signed: body, expected: hex(h('linear-signature')) };
      break;
    case 'entrupy':
      floor = {
        algorithm: 'sha256',
        key: utf8,
        signed: body,
        expected: b64(h('entrupy-signature').slice('SHA256:'.length)),
      };
      break;
    case 'gitlab':
      floor = {
        algorithm: 'hash',
        key: utf8,
        signed: Buffer.from(h('x-gitlab-token')),
        expected: createHash('sha256').update(secret).digest(),
      };
      break;
    case 'hmac':
      floor = {
        algorithm: 'sha256',
        key: utf8,
        signed: Buffer.concat([Buffer.from(`${t}.`), body]),
        expected: hex(h('x-webhook-signature').slice('sha256='.length)),
      };
      break;
  }
  return { scheme: name, size, request, floor, bodyText: body.toString('utf8'), verify: (r) => scheme.verify(r) };
}

// ---------------------------------------------------------------------------------------------
// Implementations

export interface Impl {
  readonly label: string;
  /** Runs `n` verifications and returns how many succeeded (must be `n`). */
  run(n: number): number | Promise<number>;
}

export function floorImpl(f: Floor): Impl {
  const { algorithm, key, signed, expected } = f;
  if (algorithm === 'hash') {
    return {
      label: 'floor',
      run(n) {
        let ok = 0;
        for (let i = 0; i < n; i++) if (timingSafeEqual(createHash('sha256').update(signed).digest(), expected)) ok++;
        return ok;
      },
    };
  }
  return {
    label: 'floor',
    run(n) {
      let ok = 0;
      for (let i = 0; i < n; i++)
        if (timingSafeEqual(createHmac(algorithm, key).update(signed).digest(), expected)) ok++;
      return ok;
    },
  };
}

export function oursImpl(cell: Cell): Impl {
  const { request, verify } = cell;
  return {
    label: 'ours',
    run(n) {
      let ok = 0;
      for (let i = 0; i < n; i++) if (verify(request).valid) ok++;
      return ok;
    },
  };
}
