/**
 * `tributary serve` as a child process for the service benchmarks: a config written to a temp folder, the process
 * spawned from dist/ (with extra node flags, e.g. --expose-gc), its JSON log lines parsed, and the "listening" and
 * "stopped" lines awaited. The load generator stays in the bench process, so the two do not share an event loop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const CLI = new URL("../src/cli/main.js", import.meta.url).pathname;

export interface BenchService {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the "stopped" log line once the process has exited. */
  readonly stopped: Promise<Record<string, unknown>>;
}

export async function startBenchService(
  dir: string,
  config: Record<string, unknown>,
  nodeFlags: readonly string[] = [],
): Promise<BenchService> {
  writeFileSync(join(dir, "serve.yaml"), JSON.stringify(config));
  const child = spawn(process.execPath, [...nodeFlags, CLI, "serve", "--config", join(dir, "serve.yaml")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  let partial = "";
  let onLine: () => void = () => {};
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) {
      if (part.trim() === "") continue;
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      // Warnings and errors of the service show with the bench's output.
      if (Number(line.level) >= 40) process.stderr.write(`service: ${part}\n`);
    }
    onLine();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    onLine = () => {
      const line = lines.find((l) => l.msg === "listening");
      if (line !== undefined) resolve(line);
    };
    void exited.then(() => reject(new Error("tributary serve exited before listening")));
  });
  return {
    url: listening.httpUrl as string,
    child,
    stopped: exited.then(() => lines.find((l) => String(l.msg).startsWith("stopped")) ?? {}),
  };
}
