/**
 * Progress of long work on stderr: a rewritten line on a terminal, a plain line every `quietEverySec`
 * seconds otherwise (CI logs), and a final line.
 */
export class Progress {
  private readonly start = Date.now();
  private lastPrint = 0;
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
    const line = this.format(done, extra);
    if (this.tty) this.stream.write(`\r\x1b[K${line}`);
    else this.stream.write(`${line}\n`);
  }

  done(done: number, extra = ''): void {
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

export function formatDuration(sec: number): string {
  if (sec < 60) return `${sec.toFixed(1)}s`;
  const m = Math.floor(sec / 60);
  if (m < 60) return `${m}m${Math.round(sec % 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}
