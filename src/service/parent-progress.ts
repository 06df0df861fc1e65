/**
 * A parent order's progress against its schedule, for operators (GET /parents): what its algorithm should have
 * executed by now (the schedule's target at the market volume so far) beside what it has, and how much is working.
 * Quantities in shares, formatted by the instrument. A parent whose algorithm has not started yet (before its first
 * decision) has no algorithm and no target.
 */
import type { AlgoExecutor } from "../engine/algo-executor.js";
import type { Engine } from "../engine/engine.js";
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
    });
  }
  return out;
}
