/**
 * A latency histogram with buckets 2% wide (log scale, from 10 µs), so worker processes can send
 * millions of samples as a few hundred counts and the orchestrator can merge them exactly.
 */
const FLOOR_MS = 0.01;
const GROWTH = Math.log(1.02);

export type Buckets = Array<[bucket: number, count: number]>;

export class Histogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  add(ms: number): void {
    const bucket = ms <= FLOOR_MS ? 0 : Math.floor(Math.log(ms / FLOOR_MS) / GROWTH);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count += 1;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  toJSON(): { buckets: Buckets; count: number; min: number; max: number } {
    return { buckets: [...this.counts], count: this.count, min: this.min, max: this.max };
  }

  merge(other: { buckets: Buckets; count: number; min: number; max: number }): this {
    for (const [bucket, count] of other.buckets) this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.count += other.count;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** The value at percentile `p` (the middle of its bucket, within 1%), rounded to 0.01 ms. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (const [bucket, count] of [...this.counts].sort((a, b) => a[0] - b[0])) {
      seen += count;
      if (seen >= rank) {
        const middle = FLOOR_MS * Math.exp((bucket + 0.5) * GROWTH);
        return Math.round(Math.min(this.max, Math.max(this.min, middle)) * 100) / 100;
      }
    }
    return Math.round(this.max * 100) / 100;
  }

  summary(): { n: number; p50: number; p99: number; max: number } {
    return { n: this.count, p50: this.percentile(50), p99: this.percentile(99), max: Math.round(this.max * 100) / 100 };
  }
}
