/**
 * Signature verification speed, side by side in one run: each scheme's `verify` against
 * - the floor (printed, no target): `createHmac(alg, key).update(<the exact signed bytes, already concatenated>).digest()`
 *   + `timingSafeEqual` with the expected digest, same algorithm and key bytes as the scheme
 *   (GitLab signs nothing: its floor is a SHA-256 of the token + `timingSafeEqual`);
 * - the official library for the same input: stripe `webhooks.signature.verifyHeader`,
 *   @octokit/webhooks-methods `verify`, standardwebhooks `verify` (`jsonParse: false`), svix `verify`,
 *   twilio `validateRequest` (given the form decoded from the same bytes and parsed with URLSearchParams
 *   inside the timed loop, as a web framework would). The guard: ours no slower than the official library; exit code 1 otherwise.
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
import { createHash, createHmac } from 'node:crypto';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { type SchemeName, schemes as sourceSchemes } from '../lambdas/core/signatures/index';
import { buildCell, bundledSchemes, floorImpl, oursImpl, SIZES, WARMUP_MS } from './signatures/cells';
import { peerImpls } from './signatures/peers';
import { BATCH_MS, measureAll, median, timeBatch, type Clock } from './signatures/rounds';
import { saveResult } from './lib/machine';

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
    options: {
      schemes: { type: 'string' },
      seconds: { type: 'string' },
      clock: { type: 'string' },
      source: { type: 'boolean' },
      save: { type: 'boolean' },
    },
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
  print(
    '# Signature verify: ours vs the floor (createHmac + timingSafeEqual over the same signed bytes) vs official libraries',
  );
  print(`# date: ${new Date().toISOString()}`);
  print(`# machine: nproc=${os.availableParallelism()}, cpu="${cpuModel()}", ${os.platform()} ${os.arch()}`);
  print(`# node: ${process.version}`);
  print(
    `# load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  print(
    `# method: each round runs a ~${BATCH_MS} ms batch of every implementation of every cell (rotating order); 15% warm-up; median of per-round means; ~${seconds} s`,
  );
  print(
    clock === 'cpu'
      ? '# µs = process CPU time (user+sys) per call, so time the process spends preempted by a busy neighbour is not counted; wall-clock ratios follow the table'
      : '# µs = wall-clock time per call',
  );
  print(
    `# ours: ${values.source ? 'the tsx-compiled source modules' : 'an esbuild bundle of lambdas/core/signatures (ESM, minified, as deployed)'}`,
  );
  print(
    "# peers get the body as a string, ours and the floor get bytes; hmac is timestamped ({timestamp}.{body}); gitlab's floor is sha256(token)",
  );
  print('#');
  const header = [
    'scheme',
    'size',
    'ours µs',
    'floor µs',
    'ours/floor',
    'peer',
    'peer µs',
    'peer/floor',
    'ours/peer',
    'rounds',
  ];
  const widths = [18, 7, 9, 9, 11, 17, 9, 11, 10, 6];
  const row = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 1 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  print(row(header));

  // Every cell is built and checked first, then every implementation runs briefly before anything
  // is measured, so no cell is measured while its code is still being compiled.
  const cells = names.flatMap((name) => SIZES.map((size) => buildCell(schemes, name, size, nowSeconds)));
  const plans = cells.map((cell) => {
    const { algorithm, key, signed, expected } = cell.floor;
    const computed =
      algorithm === 'hash'
        ? createHash('sha256').update(signed).digest()
        : createHmac(algorithm, key).update(signed).digest();
    if (!computed.equals(expected))
      throw new Error(`${cell.scheme}: the floor's signed bytes are not what the scheme signs`);
    const peers = peerImpls(cell);
    return { cell, peers, impls: [oursImpl(cell), floorImpl(cell.floor), ...peers] };
  });
  // Round-robin, so that every shared function's type feedback comes from all schemes at once (as
  // in a verifier serving several sources). Warming one cell after another instead left V8's code
  // for one or two schemes in a slower state that depended on the order of --schemes (up to +0.7×
  // at 1 KiB for whichever scheme it hit; not root-caused): an artefact of the warm-up order.
  const warmUntil = performance.now() + WARMUP_MS * plans.length;
  while (performance.now() < warmUntil)
    for (const plan of plans) for (const impl of plan.impls) await timeBatch(impl, 8);

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
  const wp = vsPeers.reduce(
    (a, b) => (b.x > a.x ? b : a),
    vsPeers[0] ?? { r: rows[0]!, p: { label: '-', us: NaN }, x: NaN },
  );
  const medianRatio = (size: number) => median(rows.filter((r) => r.size === size).map((r) => r.ours / r.floor));
  print('#');
  print(
    `# ours/floor (no target): median ${SIZES.map((size) => `${kib(size)} ${fmtX(medianRatio(size))}`).join(', ')}; load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  print(
    `ours/official library: worst ${fmtX(wp.x)} (${wp.r.scheme} ${kib(wp.r.size)} vs ${wp.p.label}) [guard ≤1×: ${wp.x > 1 ? 'NOT met' : 'met'}]`,
  );
  if (wp.x > 1) process.exitCode = 1;

  if (values.save) {
    console.log(`saved ${saveResult('signatures', lines.join('\n'))}`);
  }
}

await main();
