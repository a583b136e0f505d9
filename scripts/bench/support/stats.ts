/** Percentile by nearest rank, rounded to 0.1. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank]! * 10) / 10;
}

export function summary(values: readonly number[]): { n: number; p50: number; p95: number; min: number; max: number } {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), min: percentile(values, 0), max: percentile(values, 100) };
}

export const log = (message: string): void => void process.stderr.write(`${message}\n`);
