/**
 * Training progress on a terminal: one self-rewriting line (epoch, bar, images/s, loss, accuracy,
 * ETA) on a TTY, or a plain line every few seconds when output goes to a file or a CI log.
 * Browser-safe: it writes to any sink with a `write` method and reads time from an injected clock.
 */

/** Where progress goes, e.g. process.stderr. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Where training is, as the trainer sees it after a step. */
export interface ProgressSnapshot {
  /** 1-based epoch and the total. */
  readonly epoch: number;
  readonly epochs: number;
  /** Steps finished in this epoch, and steps per epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Images processed in this epoch and seconds spent on them. */
  readonly images: number;
  readonly epochSeconds: number;
  /** Seconds since training started. */
  readonly runSeconds: number;
  readonly loss?: number;
  /** Fraction in [0, 1]. */
  readonly accuracy?: number;
}

/** "m:ss" below an hour, "h:mm:ss" above; "--:--" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A rate to about three significant digits: "3.5 img/s", "512 img/s", "1.23k img/s", "12.3k img/s". */
export function formatRate(perSecond: number, unit = 'img/s'): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return `-- ${unit}`;
  if (perSecond < 999.5) return `${perSecond.toFixed(perSecond < 9.95 ? 1 : 0)} ${unit}`;
  const [v, suffix] = perSecond < 999.5e3 ? [perSecond / 1e3, 'k'] : [perSecond / 1e6, 'M'];
  return `${v.toFixed(v < 9.995 ? 2 : v < 99.95 ? 1 : 0)}${suffix} ${unit}`;
}

/** Seconds left in the whole run, extrapolating the run's average time per step. */
export function estimateRemainingSeconds(p: ProgressSnapshot): number {
  const done = (p.epoch - 1) * p.stepsPerEpoch + p.step;
  const total = p.epochs * p.stepsPerEpoch;
  return done > 0 ? (p.runSeconds / done) * (total - done) : NaN;
}

function metricsText(p: ProgressSnapshot): string {
  const rate = formatRate(p.epochSeconds > 0 ? p.images / p.epochSeconds : NaN);
  const loss = p.loss === undefined ? '' : ` loss ${p.loss.toFixed(4)}`;
  const acc = p.accuracy === undefined ? '' : ` acc ${(p.accuracy * 100).toFixed(2)}%`;
  return `${rate}${loss}${acc} ETA ${formatDuration(estimateRemainingSeconds(p))}`;
}

/** The TTY line: "epoch 3/20 [████░░░░] 45% 1.20k img/s loss 0.1234 acc 97.85% ETA 4:05", fit to `width`. */
export function formatProgressBar(p: ProgressSnapshot, width = 100): string {
  const fraction = p.stepsPerEpoch > 0 ? Math.min(1, p.step / p.stepsPerEpoch) : 0;
  const head = `epoch ${p.epoch}/${p.epochs} `;
  const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${metricsText(p)}`;
  const barWidth = Math.max(10, Math.min(30, width - 1 - head.length - tail.length - 2));
  const filled = Math.round(fraction * barWidth);
  const line = `${head}[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]${tail}`;
  return line.length < width ? line : line.slice(0, Math.max(0, width - 1));
}

/** The plain line for logs: "epoch 3/20 step 450/938 (47%) 1.20k img/s loss 0.1234 acc 97.85% ETA 4:05". */
export function formatProgressPlain(p: ProgressSnapshot): string {
  const pct = p.stepsPerEpoch > 0 ? Math.floor((100 * p.step) / p.stepsPerEpoch) : 0;
  return `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} (${pct}%) ${metricsText(p)}`;
}

/** Throttling and clock for a ProgressReporter. */
export interface ProgressOptions {
  /** Milliseconds clock; default performance.now. */
  readonly now?: () => number;
  /** Minimum ms between TTY redraws (default 100). */
  readonly ttyIntervalMs?: number;
  /** Minimum ms between plain lines when not a TTY (default 10 000). */
  readonly plainIntervalMs?: number;
}

/** Draws progress to a sink: a redrawn bar on a TTY, throttled plain lines otherwise. */
export class ProgressReporter {
  private last = -Infinity;
  private barShown = false;
  private readonly now: () => number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly options: ProgressOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Shows `p` unless the last update was too recent; the last step of an epoch always shows. */
  update(p: ProgressSnapshot): void {
    const t = this.now();
    const tty = this.sink.isTTY === true;
    const interval = tty ? (this.options.ttyIntervalMs ?? 100) : (this.options.plainIntervalMs ?? 10_000);
    if (t - this.last < interval && p.step < p.stepsPerEpoch) return;
    this.last = t;
    if (tty) {
      this.sink.write(`\r${formatProgressBar(p, this.sink.columns ?? 100)}\x1b[K`);
      this.barShown = true;
    } else {
      this.sink.write(`${formatProgressPlain(p)}\n`);
    }
  }

  /** Prints a permanent line (an epoch summary, a warning) without breaking the bar. */
  log(line: string): void {
    this.clearBar();
    this.sink.write(`${line}\n`);
  }

  /** Ends the bar's line so later output starts on a fresh one. */
  finish(): void {
    if (this.barShown) this.sink.write('\n');
    this.barShown = false;
  }

  private clearBar(): void {
    if (this.barShown) this.sink.write('\r\x1b[K');
    this.barShown = false;
  }
}
