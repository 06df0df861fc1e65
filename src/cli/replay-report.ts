/**
 * The text a person reads after `tributary replay ...`: the reports of src/market/replay rendered as short aligned
 * blocks. Pure formatting; `--json` prints the report objects themselves instead (without timings, so JSON output is
 * identical run to run).
 */
import type { BinanceReport } from "../market/replay/binance-replay.js";
import type { LobsterCheckReport } from "../market/replay/lobster-check.js";
import type { LobsterRunSummary } from "../market/replay/lobster-run.js";
import { describeProblem, type RowProblems } from "../market/replay/row-problems.js";
import type { TardisReport } from "../market/replay/tardis-replay.js";

/** Wall-clock cost of a run, for the text output only. */
export interface Timing {
  readonly seconds: number;
  /** What was counted per second ("messages", "depth diffs"). */
  readonly unit: string;
  readonly count: number;
}

const n = (value: number): string => value.toLocaleString("en-US");
const pct = (share: number): string => `${(share * 100).toFixed(3)}%`;

export function formatLobsterCheck(r: LobsterCheckReport, problems: RowProblems, timing: Timing): string {
  const w = r.withResync;
  const m = r.messagesOnly;
  const lines = [
    `LOBSTER check: ${r.messagesFile}`,
    `  against       ${r.orderbookFile} (${r.levels} level${r.levels === 1 ? "" : "s"} per side)`,
    `  messages      ${n(r.messages)}: ${typeCounts(r.messagesByType)}`,
    `  seed          orderbook row 1 (the book after message 1); rows compared: ${n(r.rowsCompared)}`,
    `  with resync   ${n(w.rowsMatched)} of ${n(r.rowsCompared)} rows match (${pct(w.share)}); ${n(w.levelsSurfaced)} levels surfaced from below, ${n(w.staleLevelsRemoved)} stale levels dropped`,
    `  messages only ${n(m.rowsMatched)} of ${n(r.rowsCompared)} rows match (${pct(m.share)}); ${n(m.missingLevels)} reductions at a price with no level, ${n(m.overdrawnLevels)} below zero`,
    `  unknown ids   ${n(r.unknownOrderReductions)} cancellations/deletions/executions of orders the file never showed submitted`,
  ];
  if (w.mismatches > 0) {
    lines.push(`  MISMATCHES    ${n(w.mismatches)} rows differ with the resync rule (a bug):`);
    for (const mismatch of w.shown) {
      lines.push(`    line ${mismatch.line}: message ${mismatch.message}: ${mismatch.differences.join("; ")}`);
    }
    if (w.shown.length < w.mismatches) lines.push(`    ... and ${n(w.mismatches - w.shown.length)} more (--max-shown)`);
  }
  lines.push(...skipped(problems), timingLine(timing));
  return lines.join("\n");
}

export function formatLobsterRun(r: LobsterRunSummary, problems: RowProblems, timing: Timing): string {
  return [
    `LOBSTER replay: ${r.messagesFile} (${r.levels} level${r.levels === 1 ? "" : "s"}, resync from ${r.orderbookFile})`,
    `  messages      ${n(r.messages)}: ${typeCounts(r.messagesByType)}`,
    `  surfaced      ${n(r.levelsSurfaced)} levels taken from the orderbook file as they entered the window`,
    `  final bids    ${r.finalBook.bids.join(", ") || "none"}`,
    `  final asks    ${r.finalBook.asks.join(", ") || "none"}`,
    ...skipped(problems),
    timingLine(timing),
  ].join("\n");
}

export function formatBinance(r: BinanceReport, problems: RowProblems, timing: Timing, check: boolean): string {
  const c = r.check;
  const lines = [
    `Binance replay: ${r.file}`,
    `  feed          ${r.symbol} ${r.rules === "usdm" ? "USD-M futures (pu == previous u)" : r.rules === "spot" ? "spot (U == previous u + 1)" : "rules unknown (no depth diff)"}; tick ${r.tick}, lot ${r.lot} (from the snapshot)`,
    `  lines         ${n(r.lines)}: ${n(r.depthDiffs)} depth diffs, ${n(r.bookTickers)} bookTickers, ${n(r.trades)} trades, ${n(r.otherMessages)} other`,
    r.snapshot === null
      ? "  snapshot      none: nothing could be applied"
      : `  snapshot      line ${r.snapshot.line}, lastUpdateId ${r.snapshot.lastUpdateId}, ${n(r.snapshot.bids)} bids / ${n(r.snapshot.asks)} asks; ${n(r.diffsBufferedBeforeSnapshot)} diffs arrived before it`,
    `  diffs         ${n(r.diffsApplied)} applied (${n(r.levelUpdates)} level updates), ${n(r.diffsDropped)} dropped as covered by the snapshot`,
    `  gaps          ${n(r.gaps)}${r.gapLines.length > 0 ? ` (first at lines ${r.gapLines.join(", ")})` : ""}`,
  ];
  if (check) {
    lines.push(
      `  check         ${n(c.tickersMatched)} of ${n(c.tickersCompared)} bookTickers with an applied diff's update id match the rebuilt best bid/offer; ${n(c.mismatches)} mismatches`,
      `                (${n(c.tickersWithoutDiff)} bookTickers carry an update id inside a diff batch: nothing to compare; ${n(c.crossedAfterDiff)} crossed books)`,
    );
    for (const s of c.shown)
      lines.push(`    line ${s.line}, u ${s.updateId}: ticker ${s.ticker}; rebuilt ${s.rebuilt}`);
    if (c.shown.length < c.mismatches) lines.push(`    ... and ${n(c.mismatches - c.shown.length)} more (--max-shown)`);
  }
  if (r.finalBbo !== null) {
    const b = r.finalBbo;
    lines.push(`  final         bid ${b.bid} x ${b.bidQty}, ask ${b.ask} x ${b.askQty}`);
  }
  lines.push(...skipped(problems), timingLine(timing));
  return lines.join("\n");
}

export function formatTardis(r: TardisReport, problems: RowProblems, timing: Timing): string {
  const lines = [
    `Tardis CSV: ${r.file}`,
    `  schema        ${r.schema}${r.levels > 0 ? `_${r.levels}` : ""} (${[r.exchange, r.symbol].filter((x) => x !== "").join(" ")})`,
    `  rows          ${n(r.rows)}`,
  ];
  if (r.schema === "incremental_book_L2" || r.schema === "binance_depth" || r.schema === "book_snapshot") {
    lines.push(
      `  book          ${n(r.snapshots)} snapshots, ${n(r.updates)} level updates, ${n(r.gaps)} update-id gaps, ${n(r.crossed)} crossed`,
    );
  }
  if (r.schema === "quotes") lines.push(`  crossed       ${n(r.crossed)} quotes with bid >= ask`);
  if (r.finalBbo !== null) {
    const b = r.finalBbo;
    lines.push(`  final         bid ${b.bid} x ${b.bidQty}, ask ${b.ask} x ${b.askQty}`);
  }
  lines.push(...skipped(problems), timingLine(timing));
  return lines.join("\n");
}

function typeCounts(byType: Readonly<Record<string, number>>): string {
  return Object.entries(byType)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${n(count)} ${name}`)
    .join(", ");
}

function skipped(problems: RowProblems): string[] {
  if (problems.skipped === 0) return [];
  const lines = [`  skipped       ${n(problems.skipped)} bad rows (--lenient); the first:`];
  for (const p of problems.first) lines.push(`    ${describeProblem(p)}`);
  return lines;
}

function timingLine(t: Timing): string {
  const rate = t.seconds > 0 ? t.count / t.seconds : 0;
  return `  time          ${t.seconds.toFixed(2)} s including reading and parsing (${n(Math.round(rate))} ${t.unit}/s)`;
}
