/**
 * An engine with the algorithm executor on the simulated venues (test/sim-fixtures.ts), with resting liquidity on LITA
 * and LITB around 150.00 in ACME: asks 150.01 (150 on LITA, 200 on LITB) and 150.02 (400 on LITA), bids 149.99 (500 on
 * LITA) and 149.98 (300 on LITB). Every engine event is kept in `events`.
 */
import type { AlgoParameters } from "../src/algo/algo-parameters.js";
import { Random } from "../src/core/random.js";
import { AlgoExecutor } from "../src/engine/algo-executor.js";
import { Engine } from "../src/engine/engine.js";
import { VolumeProfile } from "../src/market/volume-profile.js";
import type { ChildOrderChanged, EngineEvent } from "../src/model/client-events.js";
import type { ReferenceDataInput } from "../src/model/reference-data.js";
import type { RoutingLogic } from "../src/router/routing.js";
import type { Venue } from "../src/venue/venue.js";
import { Participant, px, START, world } from "./sim-fixtures.js";

export const SESSION_END = START + 3_600_000_000;

export interface SetupOptions {
  /** The reference data (default: the fixture's, test/sim-fixtures.ts). */
  readonly input?: ReferenceDataInput;
  /** An aggressive spray's over-send multiple (AlgoExecutorOptions.overSend). */
  readonly overSend?: number;
  /** What the executor trades on instead of the fixture's venues (a wrapper around some of them). */
  readonly venues?: (venues: readonly Venue[]) => readonly Venue[];
}

export function setup(
  choose?: (params: AlgoParameters) => AlgoParameters,
  routing?: RoutingLogic,
  options: SetupOptions = {},
) {
  const w = world(options.input);
  const acme = w.instrument("ACME");
  const lpA = new Participant(w.venue("LITA"), w.scheduler, "LP-A");
  const lpB = new Participant(w.venue("LITB"), w.scheduler, "LP-B");
  lpA.sell("a1", 150, px(acme, "150.01")).sell("a2", 400, px(acme, "150.02")).buy("b1", 500, px(acme, "149.99"));
  lpB.sell("a3", 200, px(acme, "150.01")).buy("b2", 300, px(acme, "149.98"));
  w.scheduler.runUntil(START + 10_000); // orders rest, quotes reach the consolidated view
  const engine = new Engine({
    instruments: w.data.instruments,
    scheduler: w.scheduler,
    quotes: w.quotes,
    sources: [{ id: "OMS", kind: "api" }],
    crossing: { takerFeeMicrosPerShare: 3000 },
    audit: true,
  });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  const executor = new AlgoExecutor(engine, options.venues?.(w.venues) ?? w.venues, w.scheduler, w.quotes, {
    sessionOpen: START,
    sessionEnd: SESSION_END,
    profile: VolumeProfile.flat(23_400),
    random: new Random(3),
    choose: choose === undefined ? undefined : (_parent, params) => choose(params),
    routing: routing === undefined ? undefined : () => routing,
    overSend: options.overSend,
  });
  const children = () => events.filter((e): e is ChildOrderChanged => e.type === "child-order");
  return { w, acme, engine, executor, events, lpA, lpB, children };
}

export const market = (clOrdId: string, account: string, quantity: string, extra: object = {}) => ({
  clOrdId,
  source: "OMS",
  account,
  symbol: "ACME",
  side: "buy" as const,
  quantity,
  orderType: "market" as const,
  ...extra,
});
