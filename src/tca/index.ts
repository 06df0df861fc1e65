/**
 * Transaction cost analysis: pre-trade impact models; the cost of an execution (implementation shortfall and its
 * Perold decomposition); the market recorded as one-second bars; and the report built from journal events (per fill,
 * parent, client order, venue, tactic, strategy) with its CSV, terminal and HTML renderings.
 */
export * from "./execution-cost.js";
export * from "./i-star.js";
export * from "./market-bar-builder.js";
export * from "./market-bar-recorder.js";
export * from "./market-series.js";
export * from "./markouts.js";
export * from "./tca-builder.js";
export * from "./tca-csv.js";
export * from "./tca-groups.js";
export * from "./tca-html.js";
export * from "./tca-rows.js";
export * from "./tca-summary.js";
