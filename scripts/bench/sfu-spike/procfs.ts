/** What Linux's /proc says about one process and the machine. */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ

/** CPU seconds (user + system, all threads) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function status(pid: number, key: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}:`));
  return line ? Number(line.split(/\s+/)[1]) : Number.NaN;
}

export const rssMiB = (pid: number): number => Math.round((status(pid, 'VmRSS') / 1024) * 10) / 10;
export const threads = (pid: number): number => status(pid, 'Threads');

/** Busy and total CPU ticks of the whole machine (all cores) so far. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}
