/**
 * A live day with the FIX order gateway in front of its engine, as `fix gateway` and its warm-up run it: the engine on
 * the wall clock against the simulated venues of the reference data (live-day.ts), the generated U-shaped volume
 * profile, and the gateway's sessions as the engine's order sources. The journal, then the gateway, hear every event
 * before the executor reacts to it (seq order); every answer waits for the journal when there is one.
 */

import { InvariantError } from "../core/errors.js";
import { type Durability, OrderGateway } from "../fix/order-gateway.js";
import type { OrderGatewayConfig } from "../fix/order-gateway-config.js";
import { wallClock } from "../fix/tcp-acceptor.js";
import type { EventSource } from "../journal/journal.js";
import { VolumeProfile } from "../market/volume-profile.js";
import { SESSION_SECONDS } from "../model/market-parameters.js";
import type { ReferenceData } from "../model/reference-data.js";
import { type LiveDay, startLiveDay } from "./live-day.js";

export interface GatewayDaySetup {
  readonly data: ReferenceData;
  readonly config: OrderGatewayConfig;
  readonly seed: number;
  /** Session length, minutes. */
  readonly minutes: number;
  /** The journal the answers wait for (null: none). */
  readonly journal: (Durability & { attach(source: EventSource): unknown }) | null;
  readonly log?: ((line: string) => void) | undefined;
}

export async function startGatewayDay(setup: GatewayDaySetup): Promise<{ day: LiveDay; gateway: OrderGateway }> {
  const built: { gateway?: OrderGateway } = {};
  const { journal, log } = setup;
  const day = await startLiveDay({
    data: setup.data,
    profile: VolumeProfile.generatedU(SESSION_SECONDS),
    seed: setup.seed,
    minutes: setup.minutes,
    sources: OrderGateway.sources(setup.config),
    beforeExecutor: (engine, session) => {
      journal?.attach(engine);
      built.gateway = new OrderGateway(engine, setup.config, {
        clock: wallClock,
        sessionClose: session.close,
        ...(log ? { log } : {}),
        ...(journal ? { durability: journal } : {}),
      });
    },
  });
  if (built.gateway === undefined) throw new InvariantError("startLiveDay did not call beforeExecutor");
  return { day, gateway: built.gateway };
}
