/**
 * Progress of long work on stderr: a rewritten line on a terminal, a plain line every `quietEverySec`
 * seconds otherwise (CI logs), and a final line.
 */
export class Progress {
  private readonly start = Date.now();
  private lastPrint = 0;
  /** The count and text after it of the last line written, so that a closing line does not repeat it. */
  private lastShown: { done: number; extra: string } | null = null;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total?: number,
    private readonly unit = 'items',
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quietEverySec = 30,
  ) {
    this.tty = Boolean(stream.isTTY);
    // in logs, the first quiet line comes after one interval, when there is a rate to report
    if (!this.tty) this.lastPrint = this.start;
  }

  update(done: number, extra = ''): void {
    const now = Date.now();
    if (now - this.lastPrint < (this.tty ? 200 : this.quietEverySec * 1000)) return;
    this.lastPrint = now;
    this.lastShown = { done, extra };
    const line = this.format(done, extra);
    if (this.tty) this.stream.write(`\r\x1b[K${line}`);
    else this.stream.write(`${line}\n`);
  }

  /**
   * The closing line. In a log it counts as a line written (the next quiet line comes an interval later), and it
   * is left out when the last line already showed the same count and text: nothing but the clock moved since.
   */
  done(done: number, extra = ''): void {
    if (!this.tty && this.lastShown?.done === done && this.lastShown.extra === extra) return;
    this.lastPrint = Date.now();
    this.lastShown = { done, extra };
    const line = this.format(done, extra);
    this.stream.write(this.tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  }

  /** Takes a terminal's live line away (no closing line); nothing in logs. */
  clear(): void {
    if (this.tty) this.stream.write('\r\x1b[K');
  }

  private format(done: number, extra: string): string {
    const sec = (Date.now() - this.start) / 1000;
    const rate = sec > 0 ? done / sec : 0;
    let s = `${this.label}: ${done}${this.total ? `/${this.total}` : ''} ${this.unit}`;
    if (sec >= 0.05) s += `, ${formatRate(rate)} ${this.unit}/s`;
    if (this.total && rate > 0 && done < this.total) s += `, ETA ${formatDuration((this.total - done) / rate)}`;
    s += `, ${formatDuration(sec)}`;
    return extra ? `${s}, ${extra}` : s;
  }
}

export function formatRate(r: number): string {
  return r >= 100 ? Math.round(r).toLocaleString('en-US') : r.toPrecision(3);
}

/** A metric beside a progress line: integers as they are, large values rounded with separators, the rest to 4 significant digits. */
export function formatMetric(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 && Math.abs(v) < 1e15 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(4);
}

/** `name value, ...` for the metrics a progress event carries. */
export function formatMetrics(m: Record<string, number> | undefined): string {
  return m ? Object.entries(m).map(([k, v]) => `${k} ${formatMetric(v)}`).join(', ') : '';
}

/**
 * `12.3s`, `2m5s`, `1h7m`: a duration rounded once, to the last unit shown, then split (so 179.6 s is 3m0s, never
 * 2m60s).
 */
export function formatDuration(sec: number): string {
  if (sec < 59.95) return `${sec.toFixed(1)}s`;
  const s = Math.round(sec);
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  const m = Math.round(sec / 60);
  return `${Math.floor(m / 60)}h${m % 60}m`;
}
