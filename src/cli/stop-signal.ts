/**
 * How a long-running command (`serve`, `fix echo-server`, `fix gateway`, `venue-sim`) waits for its stop: the first
 * SIGINT or SIGTERM runs `stop`, and the promise settles once it has finished; a second signal exits at once with
 * status 1. Call it before the command starts to listen: a supervisor may send SIGTERM as soon as it reads the line
 * that says the command is ready (or before), and a signal that arrives before the handler is there kills the process
 * instead of stopping it.
 */
export function untilStopSignal(stop: (signal: NodeJS.Signals) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      const now = () => process.exit(1);
      process.once("SIGINT", now);
      process.once("SIGTERM", now);
      stop(signal).then(resolve, reject);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}
