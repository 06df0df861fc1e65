/**
 * `tributary venue-sim`, wired: the simulated venues of the reference data (and, unless turned off, the market model's
 * background flow) on the wall clock, each venue served as a FIX 4.4 order-entry acceptor session on one TCP port
 * (SenderCompID = the venue id, TargetCompID = `targetCompId`, default TRIBUTARY). Random streams fork as in a live
 * day (venues, then the model), so the same seed gives the same market draws.
 *
 * Optionally over TLS (`tls`) and with a Logon password (`passwordSha256`).
 * Sessions do not reset sequence numbers on Logon unless the initiator asks (ResetSeqNumFlag): a reconnecting
 * initiator gets what it missed by ResendRequest. `store` (e.g. SQLite) makes that survive a restart of this process;
 * the venues' orders do not (they live in memory).
 */
import { MICROS_PER_SECOND } from "../core/clock.js";
import { Random } from "../core/random.js";
import { FixAcceptor } from "../fix/acceptor.js";
import { FIX44_DICTIONARY } from "../fix/fix-dictionaries.js";
import { type FixMessageStore, MemoryFixMessageStore } from "../fix/message-store.js";
import { FixSession } from "../fix/session.js";
import { TcpFixAcceptor } from "../fix/tcp-acceptor.js";
import { MarketModel } from "../market/market-model.js";
import { VolumeProfile } from "../market/volume-profile.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import type { ReferenceData } from "../model/reference-data.js";
import { VenueFixServer } from "../venue/fix/venue-fix-server.js";
import { createSimVenues, type SimVenues } from "../venue/sim/sim-venues.js";
import { WallScheduler } from "./wall-scheduler.js";

export const DEFAULT_VENUE_TARGET_COMP_ID = "TRIBUTARY";

export interface VenueSimSetup {
  readonly data: ReferenceData;
  readonly seed: number;
  /** Background flow of the market model for this many minutes; 0 = none (quiet books: tests). */
  readonly minutes: number;
  readonly port: number;
  readonly host?: string;
  readonly targetCompId?: string;
  readonly store?: FixMessageStore;
  /** PEM certificate and key: the sessions over TLS. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | null;
  /** Every Logon must carry the password (554) with this SHA-256. */
  readonly passwordSha256?: string;
  readonly log?: (line: string) => void;
}

export interface VenueSim {
  readonly port: number;
  readonly scheduler: WallScheduler;
  readonly sim: SimVenues;
  readonly acceptor: FixAcceptor;
  /** Closes every connection and stops listening (the venues and sessions stay, for `listen` again). */
  closeListener(): Promise<void>;
  /** Listens again (after `closeListener`), on the same port by default. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startVenueSim(setup: VenueSimSetup): Promise<VenueSim> {
  const scheduler = new WallScheduler();
  const random = new Random(setup.seed);
  const sim = createSimVenues(setup.data, scheduler, random.fork());
  if (setup.minutes > 0) {
    const start = scheduler.now();
    const model = new MarketModel(sim.venues, setup.data.instruments, scheduler, random.fork(), {
      profile: VolumeProfile.generatedU(SESSION_SECONDS),
      sessionStart: start,
    });
    model.start(start + Math.round(setup.minutes * 60 * MICROS_PER_SECOND));
  }
  const store = setup.store ?? new MemoryFixMessageStore();
  const server = new VenueFixServer(sim.venues, {
    clock: scheduler,
    instruments: setup.data.instruments,
    ...(setup.passwordSha256 !== undefined ? { passwordSha256: setup.passwordSha256 } : {}),
  });
  const sessions = sim.venues.map(
    (venue) =>
      new FixSession(
        {
          beginString: "FIX.4.4",
          senderCompId: venue.id,
          targetCompId: setup.targetCompId ?? DEFAULT_VENUE_TARGET_COMP_ID,
        },
        {
          clock: scheduler,
          store,
          dictionary: FIX44_DICTIONARY,
          application: server,
          ...(setup.log ? { log: setup.log } : {}),
        },
      ),
  );
  const acceptor = new FixAcceptor(scheduler, sessions, setup.log ? { log: setup.log } : {});
  let tcp = new TcpFixAcceptor(acceptor);
  const host = setup.host ?? "127.0.0.1";
  const tls = setup.tls ?? null;
  let port = await tcp.listen({ host, port: setup.port, tls });
  return {
    get port() {
      return port;
    },
    scheduler,
    sim,
    acceptor,
    closeListener: () => tcp.close(),
    async listen(again = port) {
      tcp = new TcpFixAcceptor(acceptor);
      port = await tcp.listen({ host, port: again, tls });
      return port;
    },
    async stop() {
      await tcp.close();
      scheduler.stop();
      store.close();
    },
  };
}
