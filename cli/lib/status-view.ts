/** `status` on one screen: the sources, the other queues, outbound, and the alarms firing (local and deployed alike). */
import type { StatusReport } from '../../local/status';
import { table } from './output';

const counts = (record: Readonly<Record<string, number>>) =>
  Object.entries(record)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

export function statusLines(report: StatusReport): string[] {
  const lines = [`${report.stack}  ${report.at}  (counts over the last ${report.windowMinutes} minutes)`, ''];
  lines.push(
    ...table(report.sources, [
      'source',
      'perMinute',
      'accepted',
      'duplicates',
      'rejected',
      'published',
      'failures',
      'waiting',
      'inFlight',
      'deadLetters',
    ]),
  );
  for (const s of report.sources)
    if (s.rejected && s.rejectedBy) lines.push(`  ${s.source} rejected: ${counts(s.rejectedBy)}`);
  if (report.queues.length > 0)
    lines.push('', ...table(report.queues, ['queue', 'waiting', 'inFlight', 'deadLetters']));
  const o = report.outbound;
  if (o) {
    lines.push('');
    if (o.endpoints) {
      const { total, enabled, disabled, openCircuits } = o.endpoints;
      lines.push(
        `Outbound endpoints  ${total} (${enabled} enabled, ${disabled.length} disabled, ${openCircuits.length} open circuits)`,
      );
      for (const e of disabled)
        lines.push(`  disabled      ${e.tenantId}/${e.endpointId}  ${e.url}  ${e.detail ?? ''}`.trimEnd());
      for (const e of openCircuits)
        lines.push(`  open circuit  ${e.tenantId}/${e.endpointId}  ${e.url}  ${e.detail ?? ''}`.trimEnd());
    } else {
      lines.push(
        `Outbound endpoints  named per tenant: npm run cli -- endpoints list --tenant <tenant> --stack ${report.stack}`,
      );
    }
    if (o.deliveries) lines.push(`Outbound deliveries  ${counts(o.deliveries)}`);
    lines.push(
      `Outbound attempts  ${counts(o.attempts)}; circuits opened ${o.circuitsOpened}, closed ${o.circuitsClosed}; endpoints disabled ${o.endpointsDisabled}`,
    );
  }
  lines.push('');
  if (report.alarms.length === 0) lines.push('Alarms  none firing');
  else {
    lines.push(`Alarms firing (${report.alarms.length})`);
    const width = Math.max(...report.alarms.map((a) => a.alarm.length));
    for (const a of report.alarms) lines.push(`  ${a.alarm.padEnd(width)}  ${a.reason}`);
  }
  return lines;
}
