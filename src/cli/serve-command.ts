/**
 * `tributary serve --config FILE`: the live service (src/service/): the engine on the wall clock with the simulated
 * venues and market, the HTTP API and WebSocket stream, the FIX order gateway when configured. Logs are JSON lines on
 * stdout (the first one with `"msg":"listening"` gives the HTTP URL and FIX port). SIGTERM or SIGINT stops it
 * gracefully (service.ts), also while it starts, and it exits 0 once the journal is flushed; a second signal exits at
 * once with status 1.
 * `--resume` continues the session of the configured journal (after a crash, SIGKILL included, or a stop).
 *
 * `tributary serve hash-token [TOKEN]`: prints the SHA-256 of a token (read from stdin when not given, so it stays out
 * of the shell history) for the config's `tokenSha256`.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../core/errors.js";
import { hashToken } from "../service/auth.js";
import { createLogger } from "../service/logger.js";
import { startService } from "../service/service.js";
import { loadServiceConfig } from "../service/service-config.js";
import { untilStopSignal } from "./stop-signal.js";

async function runServe(opts: { config: string; resume: boolean }): Promise<void> {
  const config = loadServiceConfig(opts.config);
  const logger = createLogger(config.logLevel);
  const starting = startService(config, logger, { resume: opts.resume });
  // The stop is in place before the service starts: a signal while it starts (a replay on --resume, the FIX warm-up)
  // stops it as soon as it is up, and one right after the "listening" line cannot kill it.
  const stopped = untilStopSignal(async (signal) => {
    const service = await starting.catch(() => null);
    if (service !== null) await service.stop(signal);
  });
  await starting;
  try {
    await stopped;
  } catch (error) {
    logger.fatal({ err: error }, "shutdown failed");
    logger.flush();
    process.exit(1);
  }
  // Everything is closed; exit without waiting for stray handles (keep-alive sockets the peers hold open).
  logger.flush(() => process.exit(0));
}

function readToken(token: string | undefined): string {
  const text = token ?? readFileSync(0, "utf8");
  const trimmed = text.replace(/\r?\n$/, "");
  if (trimmed === "") throw new UserError("bad-flag", "hash-token: give a token (argument or stdin)");
  return trimmed;
}

export function registerServe(program: Command): void {
  const serve = program
    .command("serve")
    .description("run the live service: HTTP API, WebSocket stream and FIX gateway in front of the engine")
    .option("--config <file>", 'service configuration, YAML or JSON (see examples/serve.yaml, README "Live service")')
    .option("--resume", "continue the session of an existing journal (after a crash or a stop)", false)
    .action(async (opts: { config?: string; resume: boolean }) => {
      if (opts.config === undefined) throw new UserError("bad-flag", "serve: --config FILE is required");
      await runServe({ config: opts.config, resume: opts.resume });
    });
  serve
    .command("hash-token")
    .description("print the SHA-256 of an API token, for tokenSha256 in the service configuration")
    .argument("[token]", "the token (default: read from stdin)")
    .action((token: string | undefined) => {
      process.stdout.write(`${hashToken(readToken(token))}\n`);
    });
}
