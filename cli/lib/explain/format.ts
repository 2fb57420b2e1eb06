/** Lines for `verify --explain`, from the diagnosis in index.ts. */
import type { Explanation } from './types';

const short = (digest: string) => (digest.length > 16 ? `${digest.slice(0, 16)}…` : digest);
const sha = (hex: string) => `sha256 ${hex.slice(0, 16)}…`;

function age(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const text =
    s < 120
      ? `${s} s`
      : s < 7200
        ? `${Math.round(s / 60)} min`
        : s < 172_800
          ? `${Math.round(s / 3600)} h`
          : `${Math.round(s / 86_400)} days`;
  return seconds < 0 ? `${text} in the future` : `${text} old`;
}

export function formatExplanation(e: Explanation): string[] {
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(10)} ${text}`);
  row('scheme', `${e.scheme}: ${e.algorithm} over ${e.template}`);
  row('body', `${e.body.bytes} bytes, ${sha(e.body.sha256)}`);
  if (e.content) row('content', `${e.content.media}: ${e.content.reads}`);
  if (e.bodyHash)
    row(
      'body hash',
      `${e.bodyHash.param} ${e.bodyHash.claimed.slice(0, 16)}… in the URL: ${e.bodyHash.matches ? "the body's SHA-256" : "NOT the body's SHA-256"}`,
    );
  const note = e.bodyHash
    ? ' (the URL: the body is covered by its hash in it)'
    : e.signed && e.signed.bytes !== e.body.bytes
      ? ' (the template filled in around the body)'
      : '';
  if (e.signed) row('signed', `${e.signed.bytes} bytes, ${sha(e.signed.sha256)}${note}`);
  else if (e.algorithm.startsWith('HMAC')) row('signed', 'unknown: the headers do not say enough to rebuild it');
  if (e.received.length > 0) row('received', e.received.map(short).join(', '));
  for (const s of e.secrets) {
    const computed = s.expected !== undefined ? ` (computed ${short(s.expected)})` : '';
    // With a body that is not the URL's bodySHA256, the URL's signature may still be right.
    const urlOnly =
      !s.matches && e.bodyHash && !e.bodyHash.matches && s.expected !== undefined && e.received.includes(s.expected);
    row(
      `secret #${s.index + 1}`,
      `${s.matches ? 'matches' : urlOnly ? 'matches the URL, but the body is not the one hashed into it' : 'no match'}${computed}${s.problem ? ` — warning: ${s.problem}` : ''}`,
    );
  }
  if (e.timestamp) {
    const t = e.timestamp;
    const iso = Number.isFinite(t.seconds)
      ? new Date(t.seconds * 1000).toISOString().replace('.000Z', 'Z')
      : String(t.seconds);
    const window = t.withinWindow ? 'within the window' : 'OUTSIDE the window';
    row(
      'timestamp',
      `${t.seconds} (${iso}): ${age(t.ageSeconds)}, tolerance ${t.toleranceSeconds} s${t.acceptsFuture ? ' either way' : ''} — ${window}`,
    );
  }
  // With several secrets, say which one the undone mistake verifies with.
  const which = (c: Explanation['causes'][number]) =>
    e.secrets.length > 1 && c.secretIndex !== undefined && !c.message.includes('secret #')
      ? ` [secret #${c.secretIndex + 1}]`
      : '';
  const [first, ...rest] = e.causes;
  if (first) lines.push(`likely cause: ${first.message}${which(first)}`);
  for (const cause of rest) lines.push(`also: ${cause.message}${which(cause)}`);
  return lines;
}
