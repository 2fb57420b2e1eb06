/**
 * Signature verification speed, side by side in one run: each scheme's `verify` against
 * - the floor (printed, no target): `createHmac(alg, key).update(<the exact signed bytes, already concatenated>).digest()`
 *   + `timingSafeEqual` with the expected digest, same algorithm and key bytes as the scheme
 *   (GitLab signs nothing: its floor is a SHA-256 of the token + `timingSafeEqual`);
 * - the official library for the same input: stripe `webhooks.signature.verifyHeader`,
 *   @octokit/webhooks-methods `verify`, standardwebhooks `verify` (`jsonParse: false`), svix `verify`,
 *   twilio `validateRequest` (given the form parsed with URLSearchParams inside the timed loop, as a
 *   web framework would). The guard: ours no slower than the official library; exit code 1 otherwise.
 *
 * Method: every round runs one batch (~0.25 ms) of every implementation of every scheme and size,
 * in an order that rotates each round, so noise (GC, a busy neighbour, frequency changes) hits all
 * of them alike; after a warm-up, rounds repeat until the time budget is spent, and each cell
 * reports the median of its per-round means. Time is process CPU time by default (a preempted
 * process is not charged; `--clock wall` for wall-clock), and wall-clock ratios are printed too.
 * Every implementation is checked to accept its input before it is timed, and every timed call's
 * result is counted, so nothing is optimised away.
 *
 * Peers are given the body as a string (their fastest accepted form, and octokit's only one);
 * ours and the floor get bytes. Peers read the clock themselves, so requests are signed at start.
 * Header values are JSON-parsed strings, as in an API Gateway event.
 *
 * Ours runs from an esbuild bundle of lambdas/core/signatures (ESM, minified, as the stack bundles
 * the verifier), not through tsx: tsx compiles each module with getter-based exports, so every call
 * into another module costs a getter call that no deployed bundle has (~4% at 1 KiB).
 * `--source` measures the tsx-compiled modules instead.
 *
 *   npm run bench:signatures                          all schemes, ~60 s, prints the table
 *   npm run bench:signatures -- --save                also writes bench/results/signatures-<date>.txt
 *   npm run bench:signatures -- --schemes stripe,github --seconds 10
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilioLib from 'twilio';
import { build } from 'esbuild';
import { schemes as sourceSchemes } from '../lambdas/core/signatures/index';
import { sortedFormParams } from '../lambdas/core/signatures/signed-content';
import type { SchemeName, VerifyRequest } from '../lambdas/core/signatures/types';

const SIZES = [1024, 8192, 65536] as const;
const BATCH_MS = 0.25;
const WARMUP_MS = 40;

const SECRETS: Readonly<Record<SchemeName, string>> = {
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
const URL_SIGNED = 'https://hooks.example.com/webhooks/bench';
/** hmac is benchmarked in its timestamped form (the dearer one): `{timestamp}.{body}`, epoch seconds. */
const HMAC_OPTIONS = { timestampHeader: 'X-Webhook-Timestamp', timestampFormat: 'epoch', signedContent: '{timestamp}.{body}' };

// ---------------------------------------------------------------------------------------------
// Inputs

const FILLER = 'The quick brown fox jumps over the lazy dog 0123456789 ';

function pad(length: number): string {
  return FILLER.repeat(Math.ceil(length / FILLER.length) + 1).slice(0, Math.max(0, length));
}

/** A JSON body of exactly `size` bytes; `tail` fields go last (Linear puts webhookTimestamp there). */
function jsonBody(size: number, tail: Record<string, unknown> = {}): Buffer {
  const doc = { id: 'evt_1Nbench0000', type: 'bench.event', data: { object: { pad: '' } }, ...tail };
  const empty = Buffer.byteLength(JSON.stringify(doc));
  doc.data.object.pad = pad(size - empty);
  const body = Buffer.from(JSON.stringify(doc));
  if (body.length !== size) throw new Error(`json body is ${body.length} bytes, wanted ${size}`);
  return body;
}

/** A Twilio-style form body of exactly `size` bytes. */
function formBody(size: number): Buffer {
  const head = 'AccountSid=AC0123456789abcdef0123456789abcdef&CallSid=CA1234567890ABCDE&From=%2B12349013030&To=%2B18005551212&Body=';
  return Buffer.from(head + pad(size - head.length).replaceAll(' ', '+'));
}

interface Floor {
  readonly algorithm: 'sha1' | 'sha256' | 'hash';
  readonly key: Buffer;
  /** The exact bytes the scheme signs, concatenated once at setup. */
  readonly signed: Buffer;
  readonly expected: Buffer;
}

interface Cell {
  readonly scheme: SchemeName;
  readonly size: number;
  readonly request: VerifyRequest<unknown>;
  readonly floor: Floor;
  readonly bodyText: string;
  readonly verify: (request: VerifyRequest<unknown>) => { readonly valid: boolean };
}

type Schemes = typeof sourceSchemes;

/** lambdas/core/signatures bundled as the stack bundles the verifier (ESM, minified), then imported. */
async function bundledSchemes(): Promise<Schemes> {
  const entry = fileURLToPath(new URL('../lambdas/core/signatures/index.ts', import.meta.url));
  const result = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', minify: true, write: false });
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-signatures-'));
  const file = join(dir, 'signatures.mjs');
  writeFileSync(file, result.outputFiles[0]!.contents);
  try {
    return ((await import(pathToFileURL(file).href)) as { schemes: Schemes }).schemes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function buildCell(schemes: Schemes, name: SchemeName, size: number, nowSeconds: number): Cell {
  const scheme = schemes[name];
  const secret = SECRETS[name];
  const options: unknown = scheme.optionsSchema.parse(name === 'hmac' ? HMAC_OPTIONS : {});
  const body =
    name === 'twilio' ? formBody(size) : name === 'linear' ? jsonBody(size, { webhookTimestamp: nowSeconds * 1000 }) : jsonBody(size);
  // As an API Gateway event delivers them: strings from JSON.parse.
  const headers = JSON.parse(JSON.stringify(scheme.sign({ body, secret, timestampSeconds: nowSeconds, url: URL_SIGNED, options }))) as Record<string, string>;
  const request: VerifyRequest<unknown> = { body, headers, url: URL_SIGNED, secrets: [secret], nowSeconds, options };
  const utf8 = Buffer.from(secret);
  const t = String(nowSeconds);
  const hex = (text: string) => Buffer.from(text, 'hex');
  const b64 = (text: string) => Buffer.from(text, 'base64');
  const h = (key: string) => headers[key] as string;
  let floor: Floor;
  switch (name) {
    case 'stripe':
      floor = { algorithm: 'sha256', key: utf8, signed: Buffer.concat([Buffer.from(`${t}.`), body]), expected: hex(h('stripe-signature').split('v1=')[1]!) };
      break;
    case 'github':
    case 'meta':
      floor = { algorithm: 'sha256', key: utf8, signed: body, expected: hex(h('x-hub-signature-256').slice('sha256='.length)) };
      break;
    case 'shopify':
      floor = { algorithm: 'sha256', key: utf8, signed: body, expected: b64(h('x-shopify-hmac-sha256')) };
      break;
    case 'slack':
    case 'zoom': {
      const sig = name === 'slack' ? 'x-slack-signature' : 'x-zm-signature';
      floor = { algorithm: 'sha256', key: utf8, signed: Buffer.concat([Buffer.from(`v0:${t}:`), body]), expected: hex(h(sig).slice(3)) };
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
      floor = { algorithm: 'sha1', key: utf8, signed: Buffer.from(URL_SIGNED + sortedFormParams(body)), expected: b64(h('x-twilio-signature')) };
      break;
    case 'square':
      floor = { algorithm: 'sha256', key: utf8, signed: Buffer.concat([Buffer.from(URL_SIGNED), body]), expected: b64(h('x-square-hmacsha256-signature')) };
      break;
    case 'paddle':
      floor = { algorithm: 'sha256', key: utf8, signed: Buffer.concat([Buffer.from(`${t}:`), body]), expected: hex(h('paddle-signature').split('h1=')[1]!) };
      break;
    case 'linear':
      floor = { algorithm: 'sha256', key: utf8, signed: body, expected: hex(h('linear-signature')) };
      break;
    case 'entrupy':
      floor = { algorithm: 'sha256', key: utf8, signed: body, expected: b64(h('entrupy-signature').slice('SHA256:'.length)) };
      break;
    case 'gitlab':
      floor = { algorithm: 'hash', key: utf8, signed: Buffer.from(h('x-gitlab-token')), expected: createHash('sha256').update(secret).digest() };
      break;
    case 'hmac':
      floor = { algorithm: 'sha256', key: utf8, signed: Buffer.concat([Buffer.from(`${t}.`), body]), expected: hex(h('x-webhook-signature').slice('sha256='.length)) };
      break;
  }
  return { scheme: name, size, request, floor, bodyText: body.toString('utf8'), verify: (r) => scheme.verify(r) };
}

// ---------------------------------------------------------------------------------------------
// Implementations

interface Impl {
  readonly label: string;
  /** Runs `n` verifications and returns how many succeeded (must be `n`). */
  run(n: number): number | Promise<number>;
}

function floorImpl(f: Floor): Impl {
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
      for (let i = 0; i < n; i++) if (timingSafeEqual(createHmac(algorithm, key).update(signed).digest(), expected)) ok++;
      return ok;
    },
  };
}

function oursImpl(cell: Cell): Impl {
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

const stripeClient = new Stripe('sk_test_bench_not_a_key');

function peerImpls(cell: Cell): Impl[] {
  const { request, bodyText } = cell;
  const headers = request.headers as Record<string, string>;
  const secret = SECRETS[cell.scheme];
  const swallow = (verify: () => unknown): boolean => {
    try {
      verify();
      return true;
    } catch {
      return false;
    }
  };
  switch (cell.scheme) {
    case 'stripe': {
      const header = headers['stripe-signature']!;
      const signature = stripeClient.webhooks.signature!;
      return [
        {
          label: 'stripe',
          run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (swallow(() => signature.verifyHeader(bodyText, header, secret, 300))) ok++;
            return ok;
          },
        },
      ];
    }
    case 'github': {
      const header = headers['x-hub-signature-256']!;
      return [
        {
          label: 'octokit',
          async run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (await octokitVerify(secret, bodyText, header)) ok++;
            return ok;
          },
        },
      ];
    }
    case 'standard-webhooks': {
      const standard = new StandardWebhook(secret);
      const svix = new SvixWebhook(secret);
      return [
        {
          label: 'standardwebhooks',
          run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (swallow(() => standard.verify(bodyText, headers, { jsonParse: false }))) ok++;
            return ok;
          },
        },
        {
          label: 'svix',
          run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (swallow(() => svix.verify(bodyText, headers))) ok++;
            return ok;
          },
        },
      ];
    }
    case 'twilio': {
      const signature = headers['x-twilio-signature']!;
      return [
        {
          // Twilio's library takes the parameters a web framework parsed: parsing is part of the same input.
          label: 'twilio',
          run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (twilioLib.validateRequest(secret, signature, URL_SIGNED, Object.fromEntries(new URLSearchParams(bodyText)))) ok++;
            return ok;
          },
        },
      ];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Timing

type Clock = 'cpu' | 'wall';

interface Sample {
  /** Per-call µs of process CPU time (user + system). */
  readonly cpu: number;
  /** Per-call µs of wall-clock time. */
  readonly wall: number;
}

async function timeBatch(impl: Impl, n: number): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const ok = await impl.run(n);
  const ns = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  if (ok !== n) throw new Error(`${impl.label} verified ${ok} of ${n}: its input is wrong`);
  return { cpu: (c.user + c.system) / n, wall: ns / n / 1000 };
}

/** Batch size for ~BATCH_MS per batch, from the median of a few short batches (one slow batch must not skew it). */
async function calibrate(impl: Impl): Promise<number> {
  const perCall: number[] = [];
  for (let i = 0; i < 9; i++) perCall.push((await timeBatch(impl, 8)).wall);
  return Math.max(1, Math.round((BATCH_MS * 1000) / median(perCall)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Measured {
  /** Median per-call µs of each implementation, by the chosen clock. */
  readonly medians: number[];
  /** The same by wall clock. */
  readonly wall: number[];
  readonly rounds: number;
}

/**
 * Every round runs one batch of every implementation of every cell (within a cell, in an order
 * that rotates each round), so a cell's samples are spread over the whole run and a burst of
 * noise — a busy neighbour, a GC of another cell's garbage — lands on every cell and implementation
 * alike, not on whichever cell happened to be measured at the time.
 */
async function measureAll(groups: readonly (readonly Impl[])[], budgetMs: number, clock: Clock): Promise<Measured[]> {
  const sizes: number[][] = [];
  for (const impls of groups) {
    const row: number[] = [];
    for (const impl of impls) row.push(await calibrate(impl));
    sizes.push(row);
  }
  const samples = groups.map((impls) => impls.map(() => [] as Sample[]));
  const started = performance.now();
  const warmupUntil = started + budgetMs * 0.15;
  const until = started + budgetMs;
  for (let round = 0; ; round++) {
    const warm = performance.now() < warmupUntil;
    for (let g = 0; g < groups.length; g++) {
      const impls = groups[g]!;
      for (let i = 0; i < impls.length; i++) {
        const k = (i + round) % impls.length;
        const sample = await timeBatch(impls[k]!, sizes[g]![k]!);
        if (!warm) samples[g]![k]!.push(sample);
      }
    }
    if (!warm && performance.now() >= until && samples[0]![0]!.length >= 15) break;
  }
  return samples.map((group) => ({
    medians: group.map((s) => median(s.map((x) => x[clock]))),
    wall: group.map((s) => median(s.map((x) => x.wall))),
    rounds: group[0]!.length,
  }));
}

// ---------------------------------------------------------------------------------------------
// Report

function cpuModel(): string {
  try {
    return /^Model name:\s*(.+)$/m.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1]?.trim() ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

const fmtUs = (us: number) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));
const fmtX = (x: number) => `${x.toFixed(2)}×`;
const kib = (size: number) => `${size / 1024} KiB`;

interface Row {
  readonly scheme: SchemeName;
  readonly size: number;
  readonly ours: number;
  readonly floor: number;
  readonly peers: readonly { label: string; us: number }[];
  readonly rounds: number;
  /** ours/floor by wall clock, whatever the main clock. */
  readonly wallRatio: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { schemes: { type: 'string' }, seconds: { type: 'string' }, clock: { type: 'string' }, source: { type: 'boolean' }, save: { type: 'boolean' } },
  });
  const schemes = values.source ? sourceSchemes : await bundledSchemes();
  const clock = (values.clock ?? 'cpu') as Clock;
  if (clock !== 'cpu' && clock !== 'wall') throw new Error('--clock is cpu or wall');
  const names = (values.schemes?.split(',') ?? Object.keys(sourceSchemes)) as SchemeName[];
  for (const n of names) if (!(n in sourceSchemes)) throw new Error(`unknown scheme ${n}`);
  const seconds = Number(values.seconds ?? 60);
  const nowSeconds = Math.floor(Date.now() / 1000);

  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  print('# Signature verify: ours vs the floor (createHmac + timingSafeEqual over the same signed bytes) vs official libraries');
  print(`# date: ${new Date().toISOString()}`);
  print(`# machine: nproc=${os.availableParallelism()}, cpu="${cpuModel()}", ${os.platform()} ${os.arch()}`);
  print(`# node: ${process.version}`);
  print(`# load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print(`# method: each round runs a ~${BATCH_MS} ms batch of every implementation of every cell (rotating order); 15% warm-up; median of per-round means; ~${seconds} s`);
  print(
    clock === 'cpu'
      ? '# µs = process CPU time (user+sys) per call, so time the process spends preempted by a busy neighbour is not counted; wall-clock ratios follow the table'
      : '# µs = wall-clock time per call',
  );
  print(`# ours: ${values.source ? 'the tsx-compiled source modules' : 'an esbuild bundle of lambdas/core/signatures (ESM, minified, as deployed)'}`);
  print('# peers get the body as a string, ours and the floor get bytes; hmac is timestamped ({timestamp}.{body}); gitlab\'s floor is sha256(token)');
  print('#');
  const header = ['scheme', 'size', 'ours µs', 'floor µs', 'ours/floor', 'peer', 'peer µs', 'peer/floor', 'ours/peer', 'rounds'];
  const widths = [18, 7, 9, 9, 11, 17, 9, 11, 10, 6];
  const row = (cells: readonly string[]) => cells.map((c, i) => (i < 1 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  print(row(header));

  // Every cell is built and checked first, then every implementation runs briefly before anything
  // is measured, so no cell is measured while its code is still being compiled.
  const cells = names.flatMap((name) => SIZES.map((size) => buildCell(schemes, name, size, nowSeconds)));
  const plans = cells.map((cell) => {
    const { algorithm, key, signed, expected } = cell.floor;
    const computed = algorithm === 'hash' ? createHash('sha256').update(signed).digest() : createHmac(algorithm, key).update(signed).digest();
    if (!computed.equals(expected)) throw new Error(`${cell.scheme}: the floor's signed bytes are not what the scheme signs`);
    const peers = peerImpls(cell);
    return { cell, peers, impls: [oursImpl(cell), floorImpl(cell.floor), ...peers] };
  });
  // Round-robin, so that every shared function's type feedback comes from all schemes at once (as
  // in a verifier serving several sources). Warming one cell after another instead left V8's code
  // for one or two schemes in a slower state that depended on the order of --schemes (up to +0.7×
  // at 1 KiB for whichever scheme it hit; not root-caused): an artefact of the warm-up order.
  const warmUntil = performance.now() + WARMUP_MS * plans.length;
  while (performance.now() < warmUntil) for (const plan of plans) for (const impl of plan.impls) await timeBatch(impl, 8);

  const measured = await measureAll(
    plans.map((p) => p.impls),
    seconds * 1000,
    clock,
  );
  const rows: Row[] = [];
  for (const [index, { cell, peers }] of plans.entries()) {
    const { scheme: name, size } = cell;
    const { medians, wall, rounds } = measured[index]!;
    const [ours, floorUs] = medians as [number, number];
    const peerResults = peers.map((p, i) => ({ label: p.label, us: medians[i + 2]! }));
    rows.push({ scheme: name, size, ours, floor: floorUs, peers: peerResults, rounds, wallRatio: wall[0]! / wall[1]! });
    const first = peerResults[0];
    print(
      row([
        name,
        kib(size),
        fmtUs(ours),
        fmtUs(floorUs),
        fmtX(ours / floorUs),
        first?.label ?? '-',
        first ? fmtUs(first.us) : '-',
        first ? fmtX(first.us / floorUs) : '-',
        first ? fmtX(ours / first.us) : '-',
        String(rounds),
      ]),
    );
    for (const p of peerResults.slice(1)) {
      print(row(['', '', '', '', '', p.label, fmtUs(p.us), fmtX(p.us / floorUs), fmtX(ours / p.us), '']));
    }
  }

  // The guard: ours no slower than the official library for the same input. The floor has no target.
  const vsPeers = rows.flatMap((r) => r.peers.map((p) => ({ r, p, x: r.ours / p.us })));
  const wp = vsPeers.reduce((a, b) => (b.x > a.x ? b : a), vsPeers[0] ?? { r: rows[0]!, p: { label: '-', us: NaN }, x: NaN });
  const medianRatio = (size: number) => median(rows.filter((r) => r.size === size).map((r) => r.ours / r.floor));
  print('#');
  print(`# ours/floor (no target): median ${SIZES.map((size) => `${kib(size)} ${fmtX(medianRatio(size))}`).join(', ')}; load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print(`ours/official library: worst ${fmtX(wp.x)} (${wp.r.scheme} ${kib(wp.r.size)} vs ${wp.p.label}) [guard ≤1×: ${wp.x > 1 ? 'NOT met' : 'met'}]`);
  if (wp.x > 1) process.exitCode = 1;

  if (values.save) {
    const file = new URL(`./results/signatures-${new Date().toISOString().slice(0, 10)}.txt`, import.meta.url);
    writeFileSync(file, `${lines.join('\n')}\n`);
    console.log(`saved ${file.pathname}`);
  }
}

await main();
