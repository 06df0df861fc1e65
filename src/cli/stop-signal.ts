/**
 * How a long-running command (`fix echo-server`, `fix gateway`, `venue-sim`) waits for its stop: the first SIGINT or
 * SIGTERM runs `stop`, and the promise settles once it has finished. Call it before printing the line that says the
 * command is ready: a supervisor may send SIGTERM as soon as it reads that line, and a signal that arrives before the
 * handler is there kills the process instead of stopping it.
 */
export function untilStopSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onSignal = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      stop().then(resolve, reject);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}
