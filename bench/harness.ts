/**
 * Small shared pieces of the benchmarks: the machine line every result carries, a garbage collector that works without
 * `node --expose-gc`, medians and percentiles, number formatting. No timing policy lives here: each bench says how it
 * measures.
 */
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
