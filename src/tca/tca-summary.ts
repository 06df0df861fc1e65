/**
 * The compact TCA summary: the run's totals, crossing, and per-strategy, per-routing-logic, per-tactic and per-venue
 * aggregates, as a JSON-ready object (`tcaSummary`, in the demo's summary.json and `tributary tca --json`) and as a
 * terminal table (`formatTcaSummary`, printed at the end of `tributary demo` and by `tributary tca`). Per-strategy shortfall is the
 * mean over that strategy's parents weighted by their value at arrival, as in the totals; strategy "none" holds the
 * parents that never started an algorithm (crossed internally on arrival, or cancelled first).
 */
import { weightedMean } from "./tca-groups.js";
import { type CrossingRow, type GroupRow, NO_ALGO, type TcaReport, type TcaTotals } from "./tca-rows.js";

export interface StrategySummary extends GroupRow {
  readonly parents: number;
  readonly shortfallBps: number | null;
  readonly intervalVwapSlippageBps: number | null;
}

export interface TcaSummary {
  readonly totals: TcaTotals;
  readonly crossing: CrossingRow;
  readonly strategies: readonly StrategySummary[];
  readonly logics: readonly GroupRow[];
  readonly tactics: readonly GroupRow[];
  readonly venues: readonly GroupRow[];
}

export function tcaSummary(report: TcaReport): TcaSummary {
  const strategies = report.strategies.map((s) => {
    const parents = report.parents.filter((p) => (p.algo ?? NO_ALGO) === s.key);
    return {
      ...s,
      parents: parents.length,
      shortfallBps: weightedMean(
        parents,
        (p) => p.shortfallBps,
        (p) => p.orderQty * (p.arrivalPrice ?? 0),
      ),
      intervalVwapSlippageBps: weightedMean(
        parents,
        (p) => p.intervalVwapSlippageBps,
        (p) => p.executedQty * (p.avgPrice ?? 0),
      ),
    };
  });
  return {
    totals: report.totals,
    crossing: report.crossing,
    strategies,
    logics: report.logics,
    tactics: report.tactics,
    venues: report.venues,
  };
}

const bps = (x: number | null): string => (x === null ? "-" : x.toFixed(2));
const pct = (x: number | null): string => (x === null ? "-" : `${(x * 100).toFixed(1)}%`);
const int = (x: number): string => Math.round(x).toLocaleString("en-US");
const money = (x: number): string => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [line(header), ...rows.map(line)];
}

export function formatTcaSummary(summary: TcaSummary): string {
  const t = summary.totals;
  const c = summary.crossing;
  const lines = [
    `Transaction cost analysis: ${int(t.orders)} orders, ${int(t.parents)} parents, ${int(t.fills)} fills, ` +
      `${int(t.executedQty)} shares, ${money(t.executedNotional)} notional, fees ${money(t.fees)}`,
    `implementation shortfall ${bps(t.shortfallBps)} bps = delay ${bps(t.delayBps)} + trading ${bps(t.tradingBps)}` +
      ` + opportunity ${bps(t.opportunityBps)} + fees ${bps(t.feeBps)}  (+ = cost; value-weighted over parents)`,
    `vs interval VWAP ${bps(t.intervalVwapSlippageBps)} bps; effective spread ${bps(t.effectiveSpreadBps)} bps;` +
      ` markouts 1s ${bps(t.markout1sBps)} 5s ${bps(t.markout5sBps)} 30s ${bps(t.markout30sBps)}` +
      ` 60s ${bps(t.markout60sBps)} 5m ${bps(t.markout300sBps)} bps (+ = in our favour)`,
    `internal crossing: ${int(c.crosses)} crosses, ${int(c.qty)} shares, ${money(c.notional)} notional,` +
      ` saved ${money(c.saving)} (${bps(c.savingBps)} bps)`,
    "",
    ...table(
      ["strategy", "parents", "fills", "shares", "share", "IS bps", "vs VWAP", "eff spr", "mk 1s", "mk 60s", "mk 5m"],
      summary.strategies.map((s) => [
        s.key,
        int(s.parents),
        int(s.fills),
        int(s.executedQty),
        pct(s.shareOfVolume),
        bps(s.shortfallBps),
        bps(s.intervalVwapSlippageBps),
        bps(s.effectiveSpreadBps),
        bps(s.markout1sBps),
        bps(s.markout60sBps),
        bps(s.markout300sBps),
      ]),
    ),
    "",
    ...groupTable("venue", summary.venues),
    "",
    ...groupTable("routing", summary.logics),
    "",
    ...groupTable("tactic", summary.tactics),
  ];
  return `${lines.join("\n")}\n`;
}

function groupTable(name: string, rows: readonly GroupRow[]): string[] {
  return table(
    [
      name,
      "fills",
      "shares",
      "share",
      "fill rate",
      "avg size",
      "maker",
      "net fees",
      "eff spr",
      "real spr",
      "mk 1s",
      "mk 60s",
      "mk 5m",
    ],
    rows.map((v) => [
      v.key,
      int(v.fills),
      int(v.executedQty),
      pct(v.shareOfVolume),
      pct(v.fillRate),
      int(v.avgFillSize),
      pct(v.makerShare),
      money(v.netFees),
      bps(v.effectiveSpreadBps),
      bps(v.realisedSpreadBps),
      bps(v.markout1sBps),
      bps(v.markout60sBps),
      bps(v.markout300sBps),
    ]),
  );
}
