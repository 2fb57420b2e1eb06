/**
 * `send --repeat`: a load run against a source, with a progress bar and a summary of what the
 * provider would have seen (accepted, duplicate, acknowledged, rejected, errors, p50/p99).
 */
import type { CliIo } from '../command';
import { post, type Outcome } from './send-http';
import { bar, formatMs, percentile } from './stats';
import { preparePayload, signRequest, type PreparedPayload, type Sender } from './webhook-request';

export async function sendMany(
  io: CliIo,
  o: {
    sender: Sender;
    template: Buffer;
    url: string;
    keepId: boolean;
    repeat: number;
    concurrency: number;
    duplicateRate: number;
    json: boolean;
  },
): Promise<number> {
  const counts: Record<Outcome, number> = {
    accepted: 0,
    duplicate: 0,
    acknowledged: 0,
    in_flight: 0,
    rejected: 0,
    error: 0,
  };
  const codes = new Map<string, number>();
  const latencies: number[] = [];
  const sent: PreparedPayload[] = [];
  let started = 0;
  let done = 0;
  let duplicatesSent = 0;
  const t0 = performance.now();

  const draw = () => {
    const elapsed = (performance.now() - t0) / 1000;
    io.status(
      `${bar(done, o.repeat)} ${done}/${o.repeat}  ${(done / Math.max(elapsed, 0.001)).toFixed(0)}/s  ` +
        `accepted ${counts.accepted}${counts.acknowledged > 0 ? `  acknowledged ${counts.acknowledged}` : ''}  duplicate ${counts.duplicate + counts.in_flight}  rejected ${counts.rejected}  errors ${counts.error}`,
    );
  };
  const ticker = setInterval(draw, 100);

  const worker = async () => {
    while (started < o.repeat) {
      started++;
      const nowMs = Date.now();
      let payload: PreparedPayload;
      // A redelivery: the same event (same bytes, same id), signed again at send time.
      if (o.duplicateRate > 0 && sent.length > 0 && Math.random() < o.duplicateRate) {
        payload = sent[Math.floor(Math.random() * sent.length)]!;
        duplicatesSent++;
      } else {
        payload = preparePayload(o.sender, o.template, { nowMs, keepId: o.keepId });
        sent.push(payload);
      }
      const request = signRequest(o.sender, payload, o.url, nowMs);
      const result = await post(request.url, request.headers, request.body);
      counts[result.outcome]++;
      if (result.code && (result.outcome === 'rejected' || result.outcome === 'error'))
        codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
      latencies.push(result.latencyMs);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.repeat) }, worker));
  clearInterval(ticker);
  draw();
  if (io.interactive) io.err('');

  const elapsedS = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const summary = {
    url: o.url,
    sent: done,
    seconds: Number(elapsedS.toFixed(2)),
    perSecond: Number((done / elapsedS).toFixed(1)),
    concurrency: o.concurrency,
    duplicatesSent,
    accepted: counts.accepted,
    duplicate: counts.duplicate + counts.in_flight,
    acknowledged: counts.acknowledged,
    duplicateInFlight: counts.in_flight,
    rejected: counts.rejected,
    errors: counts.error,
    rejectionCodes: Object.fromEntries(codes),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
  };
  if (o.json) {
    io.out(JSON.stringify(summary));
  } else {
    io.out(
      `Sent ${summary.sent} to ${o.url} in ${summary.seconds} s (${summary.perSecond}/s, concurrency ${o.concurrency}${o.duplicateRate > 0 ? `, ${duplicatesSent} redeliveries` : ''})`,
    );
    io.out(`  accepted   ${pad(summary.accepted)}  (202)`);
    if (counts.acknowledged > 0)
      io.out(
        `  acknowledged ${pad(summary.acknowledged).slice(2)}  (200 with an empty body: accepted or duplicate, the provider cannot tell)`,
      );
    io.out(
      `  duplicate  ${pad(summary.duplicate)}  (200 duplicate, or 409 while the first delivery was in flight: ${counts.in_flight})`,
    );
    io.out(`  rejected   ${pad(summary.rejected)}  (4xx)`);
    io.out(`  errors     ${pad(summary.errors)}  (5xx or no response)`);
    if (codes.size > 0) io.out(`  codes: ${[...codes].map(([c, n]) => `${c} ×${n}`).join(', ')}`);
    io.out(`  latency    p50 ${formatMs(summary.p50Ms)}   p99 ${formatMs(summary.p99Ms)}`);
  }
  return counts.rejected > 0 || counts.error > 0 ? 1 : 0;
}

function pad(n: number): string {
  return String(n).padStart(7);
}
