/**
 * Small shared pieces of the benchmarks: the machine line every result carries, a garbage collector that works without
 * `node --expose-gc`, medians and percentiles, number formatting, a child process's CPU time. No timing policy lives
 * here: each bench says how it measures.
 */
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** One line naming the machine and runtime, printed with every result. */
export function describeMachine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? "unknown cpu";
  const memGiB = (totalmem() / 2 ** 30).toFixed(0);
  return `machine: ${model}, ${list.length} cores, ${memGiB} GiB RAM, node ${process.version} (${process.platform}/${process.arch})`;
}

let collector: (() => void) | undefined;

/**
 * A full, synchronous garbage collection. Uses `global.gc` when node runs with `--expose-gc`; otherwise turns the flag
 * on at run time and fetches `gc` from a fresh context (V8 installs it there once the flag is set).
 */
export function collectGarbage(): void {
  if (collector === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === "function") collector = exposed;
    else {
      setFlagsFromString("--expose-gc");
      collector = runInNewContext("gc") as () => void;
    }
  }
  collector();
  collector();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile of an ascending-sorted array; `p` in [0, 100]. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** 12,345,678 -> "12.35M"; 12,345 -> "12.3k". */
export function si(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

export function pad(text: string, width: number): string {
  return text.length >= width ? text : " ".repeat(width - text.length) + text;
}

/** Decimal megabytes, the unit of the memory target. */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Linux's clock ticks per second for /proc times (USER_HZ: 100 on every mainstream architecture). */
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used so far, all its threads and its main thread alone. */
export interface ProcessCpu {
  readonly process: number;
  readonly main: number;
}

/** A process's CPU time from /proc (Linux); null where there is no such process or no /proc. */
export function processCpu(pid: number | undefined): ProcessCpu | null {
  if (pid === undefined) return null;
  const seconds = (path: string): number => {
    const stat = readFileSync(path, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  };
  try {
    return { process: seconds(`/proc/${pid}/stat`), main: seconds(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return null;
  }
}

/** Microseconds of CPU per unit of work: the main thread's and the whole process's. */
export interface CpuMicros {
  readonly main: number;
  readonly process: number;
}

/** CPU per unit of work between two readings; null where either reading is missing. */
export function cpuMicrosPer(before: ProcessCpu | null, after: ProcessCpu | null, units: number): CpuMicros | null {
  if (before === null || after === null || units <= 0) return null;
  return {
    main: ((after.main - before.main) / units) * 1e6,
    process: ((after.process - before.process) / units) * 1e6,
  };
}
