/**
 * Small SVG charts, drawn from numbers (no library, no inline style: colours come from classes in the style sheet).
 * Each is a `<figure>` whose SVG has `role="img"` and an `aria-label` saying what it shows in words.
 */
import { h, percent, s } from './dom';

export interface Bucket {
  readonly at: number;
  readonly attempts: number;
  readonly successRate?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

const W = 300;
const H = 80;

function figure(caption: string, label: string, svg: SVGElement, legend?: HTMLElement): HTMLElement {
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('viewBox', `0 0 ${W} ${H + 14}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  return h('figure', { class: 'chart' }, h('figcaption', {}, caption), svg, legend);
}

const hhmm = (ms: number) => new Date(ms).toTimeString().slice(0, 5);

function axis(buckets: readonly Bucket[]): SVGElement[] {
  if (buckets.length === 0) return [];
  return [
    s('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }),
    s('text', { x: 0, y: H + 12, class: 'tick' }, hhmm(buckets[0]!.at)),
    s('text', { x: W, y: H + 12, class: 'tick end' }, 'now'),
  ];
}

/** Success rate per bucket as bars (none where nothing was attempted). */
export function successChart(caption: string, buckets: readonly Bucket[]): HTMLElement {
  const width = W / Math.max(buckets.length, 1);
  const bars = buckets.map((b, i) => {
    if (b.attempts === 0 || b.successRate === undefined)
      return s('rect', { x: i * width + 1, y: H - 1, width: width - 2, height: 1, class: 'empty' });
    const height = Math.max(2, b.successRate * (H - 4));
    const tone = b.successRate >= 0.99 ? 'ok' : b.successRate >= 0.9 ? 'warn' : 'bad';
    return s(
      'rect',
      { x: i * width + 1, y: H - height, width: width - 2, height, class: `bar ${tone}` },
      s('title', {}, `${hhmm(b.at)}: ${percent(b.successRate)} of ${b.attempts}`),
    );
  });
  const tried = buckets.filter((b) => b.attempts > 0);
  const total = tried.reduce((n, b) => n + b.attempts, 0);
  const ok = tried.reduce((n, b) => n + b.attempts * (b.successRate ?? 0), 0);
  const label =
    total === 0
      ? `${caption}: no attempts`
      : `${caption}: ${percent(ok / total)} of ${total} attempts succeeded; lowest bucket ${percent(Math.min(...tried.map((b) => b.successRate ?? 0)))}`;
  return figure(caption, label, s('svg', { class: 'bars' }, ...bars, ...axis(buckets)));
}

/** p50 and p99 latency per bucket as two lines. */
export function latencyChart(caption: string, buckets: readonly Bucket[]): HTMLElement {
  const max = Math.max(1, ...buckets.map((b) => b.p99Ms ?? 0));
  const step = W / Math.max(buckets.length - 1, 1);
  const line = (pick: (b: Bucket) => number | undefined, cls: string) => {
    const points = buckets.flatMap((b, i) => {
      const v = pick(b);
      return v === undefined ? [] : [`${(i * step).toFixed(1)},${(H - (v / max) * (H - 4)).toFixed(1)}`];
    });
    if (points.length === 0) return undefined;
    if (points.length > 1) return s('polyline', { points: points.join(' '), class: `line ${cls}` });
    const [cx, cy] = points[0]!.split(',') as [string, string];
    return s('circle', { cx, cy, r: 3, class: `dot ${cls}` });
  };
  const worst = Math.max(0, ...buckets.map((b) => b.p99Ms ?? 0));
  const label = worst === 0 ? `${caption}: no attempts` : `${caption}: p99 at most ${Math.round(worst)} ms`;
  const legend = h(
    'p',
    { class: 'legend' },
    h('span', { class: 'key p50' }, 'p50'),
    h('span', { class: 'key p99' }, 'p99'),
    h('span', { class: 'muted' }, `max ${Math.round(max)} ms`),
  );
  return figure(
    caption,
    label,
    s(
      'svg',
      { class: 'lines' },
      ...[line((b) => b.p50Ms, 'p50'), line((b) => b.p99Ms, 'p99')].filter((x) => !!x),
      ...axis(buckets),
    ),
    legend,
  );
}

/** A count per interval (e.g. events received per minute) as a filled sparkline. */
export function sparkline(caption: string, values: readonly number[], unit: string): HTMLElement {
  const max = Math.max(1, ...values);
  const step = W / Math.max(values.length - 1, 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(H - (v / max) * (H - 4)).toFixed(1)}`);
  const total = values.reduce((a, b) => a + b, 0);
  const svg = s(
    'svg',
    { class: 'spark' },
    s('polygon', { points: `0,${H} ${pts.join(' ')} ${W},${H}`, class: 'area' }),
    s('polyline', { points: pts.join(' '), class: 'line' }),
    s('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }),
  );
  return figure(caption, `${caption}: ${total} ${unit} in all, at most ${max} in one minute`, svg);
}
