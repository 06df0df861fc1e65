/**
 * `tributary venue-sim --fix-port P`: the simulated venues and market model of the reference data, live on the wall
 * clock, each venue a FIX 4.4 order-entry acceptor session (SenderCompID = the venue id, TargetCompID `--target`,
 * default TRIBUTARY) on one TCP port (runtime/venue-sim.ts; tags in README "FIX venues"). It prints
 * `listening on HOST:PORT` once bound (`--fix-port 0`: any free port) and runs until SIGINT/SIGTERM. `--tls-cert` and
 * `--tls-key` serve the sessions over TLS; `--password-sha256` requires a Logon password.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { loadReferenceData } from "../config/load-config.js";
import { UserError } from "../core/errors.js";
import { type FixMessageStore, MemoryFixMessageStore } from "../fix/message-store.js";
import { SqliteFixMessageStore } from "../fix/sqlite-message-store.js";
import { DEFAULT_VENUE_TARGET_COMP_ID, startVenueSim } from "../runtime/venue-sim.js";
import { untilStopSignal } from "./stop-signal.js";

interface VenueSimOptions {
  fixPort: number;
  host: string;
  config: string;
  seed: number;
  minutes: number;
  target: string;
  store?: string;
  tlsCert?: string;
  tlsKey?: string;
  passwordSha256?: string;
  verbose: boolean;
}

function wholeNumber(flag: string, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from 0 to ${max}, got "${value}"`);
    }
    return Number(value);
  };
}

function openStore(path: string | undefined): FixMessageStore {
  if (path === undefined) return new MemoryFixMessageStore();
  try {
    return new SqliteFixMessageStore(path);
  } catch (error) {
    throw new UserError("fix-store", `--store: ${path}: ${(error as Error).message}`);
  }
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UserError("venue-sim-tls", `${flag}: ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

function tlsOf(opts: VenueSimOptions): { cert: Buffer; key: Buffer } | null {
  if (opts.tlsCert === undefined && opts.tlsKey === undefined) return null;
  if (opts.tlsCert === undefined || opts.tlsKey === undefined) {
    throw new UserError("venue-sim-tls", "--tls-cert and --tls-key go together");
  }
  return { cert: readPem("--tls-cert", opts.tlsCert), key: readPem("--tls-key", opts.tlsKey) };
}

async function runVenueSim(opts: VenueSimOptions): Promise<void> {
  const data = loadReferenceData(opts.config);
  const tls = tlsOf(opts);
  const log = opts.verbose ? (line: string) => process.stderr.write(`fix: ${line}\n`) : undefined;
  const store = openStore(opts.store);
  let sim: Awaited<ReturnType<typeof startVenueSim>>;
  try {
    sim = await startVenueSim({
      data,
      seed: opts.seed,
      minutes: opts.minutes,
      port: opts.fixPort,
      host: opts.host,
      targetCompId: opts.target,
      store,
      tls,
      ...(opts.passwordSha256 !== undefined ? { passwordSha256: opts.passwordSha256 } : {}),
      ...(log ? { log } : {}),
    });
  } catch (error) {
    store.close();
    throw new UserError("fix-listen", `cannot listen on ${opts.host}:${opts.fixPort}: ${(error as Error).message}`);
  }
  const sessions = data.venues.map((v) => `${v.id} (${v.kind})`).join(", ");
  const stopped = untilStopSignal(async () => {
    await sim.stop();
    process.stdout.write("stopped\n");
  });
  process.stdout.write(
    `listening on ${opts.host}:${sim.port} (FIX.4.4 venue sessions ${sessions}, TargetCompID ${opts.target}; ` +
      `${opts.minutes > 0 ? `market model for ${opts.minutes} min` : "no background flow"}, seed ${opts.seed})\n`,
  );
  await stopped;
}

export function registerVenueSim(program: Command, defaults: { config: string }): void {
  program
    .command("venue-sim")
    .description("run the simulated venues live, each one a FIX 4.4 order-entry acceptor session")
    .requiredOption(
      "--fix-port <n>",
      "TCP port to listen on (0: any free port, printed)",
      wholeNumber("--fix-port", 65535),
    )
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--config <file>", "reference data (instruments and venues), YAML or JSON", defaults.config)
    .option("--seed <n>", "seed of the simulated market", wholeNumber("--seed", 2 ** 31 - 1), 1)
    .option(
      "--minutes <n>",
      "minutes of background flow from the market model (0: none, the books stay empty)",
      wholeNumber("--minutes", 1440),
      390,
    )
    .option("--target <compId>", "the engine's CompID (our TargetCompID)", DEFAULT_VENUE_TARGET_COMP_ID)
    .option("--store <file>", "SQLite file for FIX sequence numbers and sent messages (default: in memory)")
    .option("--tls-cert <file>", "PEM certificate: the sessions over TLS (with --tls-key)")
    .option("--tls-key <file>", "PEM private key of --tls-cert")
    .option(
      "--password-sha256 <hex>",
      "every Logon must carry the password (554) with this SHA-256 (print one with `tributary serve hash-token`)",
      (value: string) => {
        if (!/^[0-9a-f]{64}$/.test(value)) {
          throw new InvalidArgumentError(`--password-sha256 must be 64 lowercase hex digits, got "${value}"`);
        }
        return value;
      },
    )
    .option("--verbose", "log session events on stderr", false)
    .action(async (opts: VenueSimOptions) => runVenueSim(opts));
}
