/** A progress bar on the terminal (stderr) when one is wanted, and a silent stand-in otherwise. */
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressBar(enabled: boolean, total: number, unit: string): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
