import { readFileSync } from 'node:fs';

export interface CpuSnapshot {
  readonly at: number;
  /** CPU time of this node process, in microseconds. */
  readonly node: number;
  /** Busy and total jiffies of the whole machine (all CPUs), from /proc/stat; null elsewhere. */
  readonly machine: { busy: number; total: number } | null;
}

function machineTimes(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3] + fields[4];
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const { user, system } = process.cpuUsage();
  return { at: performance.now(), node: user + system, machine: machineTimes() };
}

export interface CpuUse {
  /** CPU seconds used by this node process. */
  readonly nodeSeconds: number;
  /** Share of the whole machine (all CPUs) that was busy, 0-1, or null when unknown. */
  readonly machineBusy: number | null;
}

export function cpuSince(start: CpuSnapshot): CpuUse {
  const now = cpuSnapshot();
  const machine =
    start.machine && now.machine && now.machine.total > start.machine.total
      ? (now.machine.busy - start.machine.busy) / (now.machine.total - start.machine.total)
      : null;
  return { nodeSeconds: (now.node - start.node) / 1e6, machineBusy: machine };
}
