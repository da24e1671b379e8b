/**
 * A self-contained SVG line chart of loss (left axis) and accuracy (right axis) per epoch,
 * with gridlines, tick labels, axis titles and a legend. No scripts, fonts or styles from outside.
 */

/** One epoch's results; absent or non-finite values are left out of the chart. */
export interface EpochPoint {
  readonly epoch: number;
  readonly trainLoss?: number;
  readonly validationLoss?: number;
  /** Fractions in [0, 1]; the chart shows percentages. */
  readonly trainAccuracy?: number;
  readonly validationAccuracy?: number;
}

/** Size and title of the chart. */
export interface ChartOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

type SeriesKey = Exclude<keyof EpochPoint, 'epoch'>;

const SERIES: Record<SeriesKey, { id: string; label: string; axis: 'loss' | 'accuracy'; color: string; dash: string }> = {
  trainLoss: { id: 'train-loss', label: 'train loss', axis: 'loss', color: '#1f77b4', dash: '' },
  validationLoss: { id: 'validation-loss', label: 'validation loss', axis: 'loss', color: '#1f77b4', dash: '6 4' },
  trainAccuracy: { id: 'train-accuracy', label: 'train accuracy', axis: 'accuracy', color: '#d62728', dash: '' },
  validationAccuracy: { id: 'validation-accuracy', label: 'validation accuracy', axis: 'accuracy', color: '#d62728', dash: '6 4' },
};

/** Evenly spaced round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi], at most about `count`. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function tickLabel(v: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  return v.toFixed(Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))));
}

/** Ticks for percentages: within [0, 100], at least half a point apart at the ends. */
function accuracyTicks(lo: number, hi: number): number[] {
  lo = Math.max(0, lo);
  hi = Math.min(100, hi);
  if (hi - lo < 0.5) [lo, hi] = [Math.max(0, lo - 0.5), Math.min(100, hi + 0.5)];
  return niceTicks(lo, hi, 6);
}

const fmt = (v: number) => Number(v.toFixed(2)).toString();

/** Renders the per-epoch loss and accuracy curves as an SVG document. */
export function renderTrainingChart(points: readonly EpochPoint[], options: ChartOptions = {}): string {
  const W = options.width ?? 720, H = options.height ?? 420;
  const left = 70, right = 70, top = 56, bottom = 50;
  const x0 = left, x1 = W - right, y0 = top, y1 = H - bottom;
  const keys = Object.keys(SERIES) as SeriesKey[];
  const values = (k: SeriesKey) =>
    points.flatMap((p) => (p[k] !== undefined && Number.isFinite(p[k]) ? [{ epoch: p.epoch, v: p[k]! }] : []));
  const onAxis = (axis: 'loss' | 'accuracy') =>
    keys.filter((k) => SERIES[k].axis === axis).flatMap((k) => values(k).map((p) => (axis === 'accuracy' ? p.v * 100 : p.v)));

  const epochs = points.map((p) => p.epoch);
  const eLo = epochs.length ? Math.min(...epochs) : 0, eHi = epochs.length ? Math.max(...epochs) : 1;
  const xDomain = eLo === eHi ? [eLo - 1, eHi + 1] : [eLo, eHi];
  const xOf = (e: number) => x0 + ((e - xDomain[0]!) / (xDomain[1]! - xDomain[0]!)) * (x1 - x0);
  const xTicks = niceTicks(xDomain[0]!, xDomain[1]!, 10).filter((t) => Number.isInteger(t) && t >= xDomain[0]! && t <= xDomain[1]!);

  const axes = {
    loss: onAxis('loss'),
    accuracy: onAxis('accuracy'),
  };
  const lossTicks = axes.loss.length ? niceTicks(Math.min(0, ...axes.loss), Math.max(...axes.loss), 6) : [];
  const accTicks = axes.accuracy.length ? accuracyTicks(Math.min(...axes.accuracy), Math.max(...axes.accuracy)) : [];
  const yScale = (ticks: number[]) => (v: number) =>
    y1 - ((v - ticks[0]!) / (ticks[ticks.length - 1]! - ticks[0]!)) * (y1 - y0);
  const yOf = { loss: yScale(lossTicks), accuracy: yScale(accTicks) };

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(options.title ?? 'Training progress')}</text>`);
  // Gridlines and tick labels.
  for (const t of xTicks) {
    const x = fmt(xOf(t));
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y1}" stroke="#eeeeee"/>`);
    out.push(`<text x="${x}" y="${y1 + 16}" text-anchor="middle">${t}</text>`);
  }
  for (const t of lossTicks) {
    const y = fmt(yOf.loss(t));
    out.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#eeeeee"/>`);
    out.push(`<text x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(t, lossTicks)}</text>`);
  }
  for (const t of accTicks) {
    out.push(`<text x="${x1 + 6}" y="${fmt(yOf.accuracy(t))}" dominant-baseline="middle">${tickLabel(t, accTicks)}%</text>`);
  }
  // Axes and their titles.
  out.push(`<path d="M${x0},${y0} V${y1} H${x1}${accTicks.length ? ` V${y0}` : ''}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${(x0 + x1) / 2}" y="${H - 12}" text-anchor="middle">epoch</text>`);
  if (lossTicks.length) out.push(`<text transform="translate(18 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">loss</text>`);
  if (accTicks.length) out.push(`<text transform="translate(${W - 14} ${(y0 + y1) / 2}) rotate(90)" text-anchor="middle">accuracy (%)</text>`);
  // Series: a polyline plus one marker per point.
  const legend: string[] = [];
  for (const k of keys) {
    const s = SERIES[k];
    const pts = values(k).map((p) => [xOf(p.epoch), yOf[s.axis](s.axis === 'accuracy' ? p.v * 100 : p.v)] as const);
    if (pts.length === 0) continue;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<polyline data-series="${s.id}" fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ')}"/>`);
    out.push(`<g data-series="${s.id}" fill="${s.color}">${pts.map(([x, y]) => `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="2.5"/>`).join('')}</g>`);
    legend.push(`<line x1="0" y1="0" x2="24" y2="0" stroke="${s.color}" stroke-width="2"${dash}/><text x="30" y="0" dominant-baseline="middle">${s.label}</text>`);
  }
  legend.forEach((item, i) => out.push(`<g transform="translate(${x0 + 10 + (i % 4) * 150} ${38})">${item}</g>`));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
