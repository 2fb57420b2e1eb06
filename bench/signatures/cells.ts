/** bench:signatures inputs: a validly signed request per scheme and size, its floor, and the timed implementations. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { SchemeName, schemes as sourceSchemes, VerifyRequest } from '../../lambdas/core/signatures/index';
import { fixtureBody, SCHEME_FIXTURES, type Floor } from '../../test/helpers/scheme-fixtures';

export const SIZES = [1024, 8192, 65536] as const;
export const WARMUP_MS = 40;

export const URL_SIGNED = 'https://hooks.example.com/webhooks/bench';

// ---------------------------------------------------------------------------------------------
// Inputs

export const FILLER = 'The quick brown fox jumps over the lazy dog 0123456789 ';

export function pad(length: number): string {
  return FILLER.repeat(Math.ceil(length / FILLER.length) + 1).slice(0, Math.max(0, length));
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * The scheme's fixture body (test/helpers/scheme-fixtures.ts) padded to exactly `size` bytes: a last
 * `pad` field in JSON, a last `Body` parameter in a form.
 */
export function sizedBody(name: SchemeName, size: number, nowSeconds: number, form: boolean): Buffer {
  const base = fixtureBody(name, nowSeconds);
  if (form) {
    const head = `${base}&Body=`;
    return Buffer.from(head + pad(size - head.length).replaceAll(' ', '+'));
  }
  const doc = { ...(JSON.parse(base) as Record<string, unknown>), pad: '' };
  doc.pad = pad(size - Buffer.byteLength(JSON.stringify(doc)));
  const body = Buffer.from(JSON.stringify(doc));
  if (body.length !== size) throw new Error(`${name} body is ${body.length} bytes, wanted ${size}`);
  return body;
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

/** A request signed with the scheme's fixture (secret, configured options, body), and its floor. */
export function buildCell(schemes: Schemes, name: SchemeName, size: number, nowSeconds: number): Cell {
  const scheme = schemes[name];
  const fixture = SCHEME_FIXTURES[name];
  const secret = fixture.secret;
  const options: unknown = scheme.optionsSchema.parse(fixture.configured ?? {});
  const body = sizedBody(name, size, nowSeconds, scheme.contentTypes(options)[0]?.media === FORM);
  // As an API Gateway event delivers them: strings from JSON.parse.
  const headers = JSON.parse(
    JSON.stringify(scheme.sign({ body, secret, timestampSeconds: nowSeconds, url: URL_SIGNED, options })),
  ) as Record<string, string>;
  const request: VerifyRequest<unknown> = { body, headers, url: URL_SIGNED, secrets: [secret], nowSeconds, options };
  const floor = fixture.floor({ body, headers, secret, t: String(nowSeconds), url: URL_SIGNED });
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
