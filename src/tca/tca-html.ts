/**
 * The TCA report as one self-contained HTML file: no network fetch; the chart library (uPlot, passed in by the caller,
 * who reads it from node_modules) and the data are inlined. Charts: price (mid) with our fills over the life of the
 * selected parent, its cumulative executed versus scheduled quantity, the venue breakdown, the distribution of
 * shortfall across client orders, markout curves per venue, and, given `tributary evaluate --json` output, the
 * strategies compared. Below them the selected parent's child-order table (child id, first fill, venue, order type,
 * quantity executed, average price, benchmark VWAP, performance; one row per child, a cross a row of its own), with a
 * total row: quantities summed, prices and benchmark averaged by quantity, performance of the average price against
 * the average benchmark.
 * Every chart is a canvas inside an element with class "chart" and a data-chart name (the browser test checks each).
 * Data is embedded as JSON in a script element of type application/json; "<" is escaped so no text closes it.
 */
import { slippageBps } from "./execution-cost.js";
import { MARKOUT_HORIZONS_SECONDS } from "./markouts.js";
import type { FillRow, Markouts, TcaReport } from "./tca-rows.js";
import { tcaSummary } from "./tca-summary.js";

export interface ChartLibrary {
  /** uPlot's IIFE build (defines the global uPlot). */
  readonly script: string;
  readonly css: string;
}

/** What the report reads of `tributary evaluate --json` output. */
export interface EvaluationCases {
  readonly cases: readonly {
    readonly name: string;
    readonly shortfallBps: { readonly mean: number; readonly std: number };
    readonly vwapSlippageBps: { readonly mean: number };
  }[];
}

export interface HtmlOptions {
  readonly title: string;
  readonly evaluation?: EvaluationCases | null;
}

/** Bins of the slippage histogram. */
const HISTOGRAM_BINS = 30;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

function embed(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** Order shortfall (bps) in equal-width bins between the 1st and 99th percentile: [bin centres, counts]. */
export function histogram(values: readonly number[], bins = HISTOGRAM_BINS): [number[], number[]] {
  if (values.length === 0) return [[], []];
  const sorted = [...values].sort((a, b) => a - b);
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))] as number;
  const hi = sorted[Math.ceil(0.99 * (sorted.length - 1))] as number;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const centres = Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width);
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return [centres, counts];
}

/**
 * Each parent's child-order table, one row per child order (an internal cross is a row of its own), in the order of
 * their first fill: [child, first fill time, venue, order type, qty executed, avg price, benchmark VWAP, perf bps].
 * The child's price and benchmark are quantity-weighted over its fills; its performance is the average price's.
 */
function childTables(fills: readonly FillRow[]): Record<number, unknown[][]> {
  interface Child {
    readonly first: FillRow;
    qty: number;
    notional: number;
    benchmarkQty: number;
    benchmarkNotional: number;
  }
  const byParent = new Map<number, Map<string, Child>>();
  for (const f of fills) {
    let children = byParent.get(f.parentId);
    if (children === undefined) {
      children = new Map();
      byParent.set(f.parentId, children);
    }
    const key = f.childId ?? `cross ${f.fillId}`;
    let c = children.get(key);
    if (c === undefined) {
      c = { first: f, qty: 0, notional: 0, benchmarkQty: 0, benchmarkNotional: 0 };
      children.set(key, c);
    }
    c.qty += f.qty;
    c.notional += f.qty * f.price;
    if (f.benchmarkVwap !== null) {
      c.benchmarkQty += f.qty;
      c.benchmarkNotional += f.qty * f.benchmarkVwap;
    }
  }
  const out: Record<number, unknown[][]> = {};
  for (const [parentId, children] of byParent) {
    out[parentId] = [...children.values()].map((c) => {
      const price = c.notional / c.qty;
      const benchmark = c.benchmarkQty > 0 ? c.benchmarkNotional / c.benchmarkQty : null;
      const side = c.first.side === "buy" ? "buy" : "sell";
      return [
        c.first.childId ?? "(cross)",
        c.first.time,
        c.first.venue,
        c.first.tactic ?? "cross",
        c.qty,
        price,
        benchmark,
        benchmark === null ? null : -slippageBps(side, price, benchmark),
      ];
    });
  }
  return out;
}

export function tcaHtml(report: TcaReport, library: ChartLibrary, options: HtmlOptions): string {
  const summary = tcaSummary(report);
  const markoutKey = (h: number) => `markout${h}sBps` as keyof Markouts;
  const data = {
    totals: summary.totals,
    crossing: summary.crossing,
    strategies: summary.strategies,
    venues: report.venues.map((v) => ({
      key: v.key,
      executedQty: v.executedQty,
      fills: v.fills,
      fillRate: v.fillRate,
      netFees: v.netFees,
      effectiveSpreadBps: v.effectiveSpreadBps,
      realisedSpreadBps: v.realisedSpreadBps,
      shareOfVolume: v.shareOfVolume,
      markouts: MARKOUT_HORIZONS_SECONDS.map((h) => v[markoutKey(h)]),
    })),
    logics: report.logics.map((g) => ({
      key: g.key,
      childOrders: g.childOrders,
      fills: g.fills,
      executedQty: g.executedQty,
      fillRate: g.fillRate,
      effectiveSpreadBps: g.effectiveSpreadBps,
      markout1sBps: g.markout1sBps,
      markout60sBps: g.markout60sBps,
    })),
    horizons: MARKOUT_HORIZONS_SECONDS,
    slippage: histogram(report.orders.flatMap((o) => (o.shortfallBps === null ? [] : [o.shortfallBps]))),
    // Largest first: the selector opens on the parent that traded the most.
    parents: [...report.parents]
      .sort((a, b) => b.executedQty * (b.avgPrice ?? 0) - a.executedQty * (a.avgPrice ?? 0) || a.parentId - b.parentId)
      .map((p) => ({
        parentId: p.parentId,
        label: `${p.parentId} ${p.side} ${p.symbol} ${p.algo ?? "-"} ${p.executedQty}/${p.orderQty}`,
        shortfallBps: p.shortfallBps,
        vwapBps: p.intervalVwapSlippageBps,
      })),
    charts: Object.fromEntries(report.charts.map((c) => [c.parentId, c])),
    children: childTables(report.fills),
    evaluation: options.evaluation ?? null,
  };
  const title = escapeHtml(options.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>${library.css}</style>
<style>${PAGE_CSS}</style>
</head><body>
<h1>${title}</h1>
<p class="note">Costs in bps, + = worse for the client (shortfall, its Perold parts, slippage, spreads); markouts and
performance + = in our favour. Quantities in shares, prices in the currency.</p>
<section id="totals"></section>
<h2>Parent</h2>
<p><label>parent <select id="parent"></select></label> <span id="parent-figures"></span></p>
<div class="chart" data-chart="price"></div>
<div class="chart" data-chart="schedule"></div>
<table id="children"><thead><tr><th>child</th><th>first fill (UTC)</th><th>venue</th><th>order type</th>
<th>qty executed</th><th>avg price</th><th>benchmark VWAP</th><th>perf (bps)</th></tr></thead><tbody></tbody><tfoot></tfoot></table>
<h2>Venues</h2>
<div class="chart" data-chart="venues"></div>
<section id="venue-table"></section>
<section id="logic-table"></section>
<h2>Shortfall across client orders</h2>
<div class="chart" data-chart="slippage"></div>
<h2>Markouts by venue</h2>
<div class="chart" data-chart="markouts"></div>
${options.evaluation ? '<h2>Strategy comparison (tributary evaluate)</h2>\n<div class="chart" data-chart="evaluate"></div>' : ""}
<script>${library.script}</script>
<script type="application/json" id="tca-data">${embed(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

const PAGE_CSS = `
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.note { color: #555; max-width: 900px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #ddd; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
tfoot td { font-weight: bold; border-top: 2px solid #888; }
.chart { margin: 8px 0; }
`;

/** Runs in the page: reads the embedded data and draws every chart with uPlot. */
const PAGE_SCRIPT = `
"use strict";
const D = JSON.parse(document.getElementById("tca-data").textContent);
const W = 900, H = 280;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf"];
const f2 = (x) => (x === null || x === undefined ? "-" : Number(x).toFixed(2));
const int = (x) => Math.round(x).toLocaleString("en-US");
const el = (name) => document.querySelector('[data-chart="' + name + '"]');
const plots = {};

function table(head, rows) {
  return "<table><thead><tr>" + head.map((h) => "<th>" + h + "</th>").join("") + "</tr></thead><tbody>" +
    rows.map((r) => "<tr>" + r.map((c) => "<td>" + c + "</td>").join("") + "</tr>").join("") + "</tbody></table>";
}

function draw(name, opts, data) {
  if (plots[name]) plots[name].destroy();
  plots[name] = new uPlot(Object.assign({ width: W, height: H }, opts), data, el(name));
}

/** A bar chart: over categories (labels) or, given numeric xs, over a numeric axis (a histogram). */
function bars(name, title, labels, values, yLabel, xs, xLabel) {
  const categorical = xs === undefined;
  const x = categorical ? labels.map((_, i) => i) : xs;
  draw(name, {
    title,
    scales: { x: { time: false, range: categorical ? [-0.5, Math.max(0.5, labels.length - 0.5)] : undefined } },
    axes: [categorical ? { values: (u, ticks) => ticks.map((t) => labels[t] ?? ""), splits: () => x } : { label: xLabel },
      { label: yLabel }],
    series: [{}, { label: yLabel, fill: "#1f77b466", stroke: "#1f77b4", paths: uPlot.paths.bars({ size: [0.8] }), points: { show: false } }],
  }, [x, values]);
}

const t = D.totals, c = D.crossing;
document.getElementById("totals").innerHTML = table(
  ["orders", "parents", "fills", "shares", "notional", "fees", "IS", "delay", "trading", "opportunity", "fee bps", "vs VWAP", "eff spread", "mk 1s", "mk 60s", "mk 5m"],
  [[int(t.orders), int(t.parents), int(t.fills), int(t.executedQty), int(t.executedNotional), f2(t.fees), f2(t.shortfallBps),
    f2(t.delayBps), f2(t.tradingBps), f2(t.opportunityBps), f2(t.feeBps), f2(t.intervalVwapSlippageBps), f2(t.effectiveSpreadBps),
    f2(t.markout1sBps), f2(t.markout60sBps), f2(t.markout300sBps)]]) +
  "<p>internal crossing: " + int(c.crosses) + " crosses, " + int(c.qty) + " shares, saved " + f2(c.saving) + " (" + f2(c.savingBps) + " bps)</p>" +
  table(["strategy", "parents", "fills", "shares", "IS bps", "vs VWAP", "eff spread", "mk 1s", "mk 60s"],
    D.strategies.map((s) => [s.key, int(s.parents), int(s.fills), int(s.executedQty), f2(s.shortfallBps), f2(s.intervalVwapSlippageBps),
      f2(s.effectiveSpreadBps), f2(s.markout1sBps), f2(s.markout60sBps)]));

document.getElementById("venue-table").innerHTML = table(
  ["venue", "fills", "shares", "share", "fill rate", "net fees", "eff spread", "real spread"].concat(D.horizons.map((h) => "mk " + h + "s")),
  D.venues.map((v) => [v.key, int(v.fills), int(v.executedQty), (100 * v.shareOfVolume).toFixed(1) + "%",
    v.fillRate === null ? "-" : (100 * v.fillRate).toFixed(1) + "%", f2(v.netFees), f2(v.effectiveSpreadBps), f2(v.realisedSpreadBps)]
    .concat(v.markouts.map(f2))));

document.getElementById("logic-table").innerHTML = table(
  ["routing logic", "child orders", "fills", "shares", "fill rate", "eff spread", "mk 1s", "mk 60s"],
  D.logics.map((g) => [g.key, int(g.childOrders), int(g.fills), int(g.executedQty),
    g.fillRate === null ? "-" : (100 * g.fillRate).toFixed(1) + "%", f2(g.effectiveSpreadBps), f2(g.markout1sBps), f2(g.markout60sBps)]));

function showParent(id) {
  const p = D.charts[id];
  const info = D.parents.find((x) => x.parentId === id);
  document.getElementById("parent-figures").textContent = info ? "IS " + f2(info.shortfallBps) + " bps, vs interval VWAP " + f2(info.vwapBps) + " bps" : "";
  const joined = uPlot.join([[p.priceTimes, p.mids], [p.fillTimes, p.fillPrices]]);
  draw("price", {
    title: "Parent " + id + ": mid and our fills",
    series: [{}, { label: "mid", stroke: "#1f77b4", spanGaps: true },
      { label: "fill", stroke: "#d62728", paths: () => null, points: { show: true, size: 6, fill: "#d62728" } }],
  }, joined);
  draw("schedule", {
    title: "Parent " + id + ": executed vs schedule (% of quantity)",
    scales: { y: { range: [0, 100] } },
    series: [{}, { label: "executed", stroke: "#d62728" }, { label: "schedule", stroke: "#7f7f7f", dash: [6, 4] }],
  }, [p.scheduleTimes, p.executedPct, p.scheduledPct]);
  const rows = D.children[id] || [];
  let qty = 0, px = 0, vw = 0, vwQty = 0;
  for (const r of rows) { qty += r[4]; px += r[4] * r[5]; if (r[6] !== null) { vw += r[4] * r[6]; vwQty += r[4]; } }
  document.querySelector("#children tbody").innerHTML = rows.map((r) =>
    "<tr><td>" + r[0] + "</td><td>" + r[1] + "</td><td>" + r[2] + "</td><td>" + r[3] + "</td><td>" + int(r[4]) + "</td><td>" +
    r[5].toFixed(4) + "</td><td>" + (r[6] === null ? "-" : r[6].toFixed(4)) + "</td><td>" + f2(r[7]) + "</td></tr>").join("");
  const avgPx = qty > 0 ? px / qty : null, avgVwap = vwQty > 0 ? vw / vwQty : null;
  const side = info && info.label.split(" ")[1] === "sell" ? -1 : 1;
  const perf = avgPx !== null && avgVwap !== null ? side * (avgVwap - avgPx) / avgVwap * 1e4 : null;
  document.querySelector("#children tfoot").innerHTML = "<tr><td>total / average</td><td>" + rows.length + " child orders</td><td></td><td></td><td>" +
    int(qty) + "</td><td>" + (avgPx === null ? "-" : avgPx.toFixed(4)) + "</td><td>" + (avgVwap === null ? "-" : avgVwap.toFixed(4)) +
    "</td><td>" + f2(perf) + "</td></tr>";
}

const select = document.getElementById("parent");
for (const p of D.parents) { const o = document.createElement("option"); o.value = p.parentId; o.textContent = p.label; select.appendChild(o); }
select.addEventListener("change", () => showParent(Number(select.value)));
if (D.parents.length > 0) showParent(D.parents[0].parentId);

bars("venues", "Executed shares by venue", D.venues.map((v) => v.key), D.venues.map((v) => v.executedQty), "shares");
bars("slippage", "Client orders by implementation shortfall (bps, + = cost)", [], D.slippage[1], "orders", D.slippage[0], "bps");
draw("markouts", {
  title: "Markout (bps, + = in our favour) by seconds after the fill",
  scales: { x: { time: false, distr: 3 } },
  axes: [{ label: "seconds" }, { label: "bps" }],
  series: [{}].concat(D.venues.map((v, i) => ({ label: v.key, stroke: COLOURS[i % COLOURS.length], spanGaps: true }))),
}, [D.horizons].concat(D.venues.map((v) => v.markouts)));
if (D.evaluation) bars("evaluate", "Mean implementation shortfall by strategy (bps)", D.evaluation.cases.map((c) => c.name),
  D.evaluation.cases.map((c) => c.shortfallBps.mean), "bps");
`;
