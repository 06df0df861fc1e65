/**
 * A parent order's progress against its schedule, for operators (GET /parents): what its algorithm should have
 * executed by now (the schedule's target at the market volume so far) beside what it has, and how much is working.
 * Quantities in shares, formatted by the instrument. A parent whose algorithm has not started yet (before its first
 * decision) has no algorithm and no target. Beside them, the firm's over-fill positions (lots an aggressive spray's
 * children filled beyond their parent's orders, kept by the engine for the desk to unwind), retired parents' included.
 */
import type { AlgoExecutor } from "../engine/algo-executor.js";
import type { Engine } from "../engine/engine.js";
import { formatAvgPx } from "../fix/order-gateway.js";
import type { MarketView } from "../market/market-view.js";
import type { Instrument } from "../model/instrument.js";

export function parentProgress(engine: Engine, executor: AlgoExecutor, market: MarketView, now: number) {
  const out = [];
  for (const parent of engine.parents()) {
    const instrument = engine.instruments.get(parent.symbol) as Instrument;
    const q = (lots: number) => instrument.formatQuantity(lots);
    const algo = executor.algoOf(parent.parentId);
    const target = algo === null ? null : Math.round(algo.targetAt(now, market.instrument(parent.symbol).tape.volume));
    out.push({
      parent_id: parent.parentId,
      symbol: parent.symbol,
      side: parent.side,
      intent: parent.intent,
      algo: algo?.params.algo ?? null,
      start_time: algo === null ? null : new Date(algo.params.startTime / 1000).toISOString(),
      end_time: algo === null ? null : new Date(algo.params.endTime / 1000).toISOString(),
      open_qty: q(parent.openQty),
      cum_qty: q(parent.cumQty),
      working_qty: q(parent.reservedQty),
      target_qty: target === null ? null : q(Math.max(0, target)),
      behind_qty: target === null ? null : q(Math.max(0, target - parent.cumQty)),
      over_fill_qty: q(engine.overFillOf(parent.parentId)?.qty ?? 0),
    });
  }
  return out;
}

/** Every over-fill position: shares over-filled (bought by a buy parent, sold by a sell parent), average price, fees. */
export function overFillPositions(engine: Engine) {
  return engine.overFills().map((p) => {
    const instrument = engine.instruments.get(p.symbol) as Instrument;
    return {
      parent_id: p.parentId,
      symbol: p.symbol,
      side: p.side,
      qty: instrument.formatQuantity(p.qty),
      avg_px: formatAvgPx(instrument, p.notional / p.qty),
      fees: (p.feeMicros / 1_000_000).toFixed(6),
      fills: p.fills,
    };
  });
}
