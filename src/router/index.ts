/**
 * The smart order router's decision math: the optimal split between a market order and limit orders on several
 * venues (Cont & Kukanov 2017) and the queue-outflow distributions it needs, estimated from market data.
 */
export * from "./capped-placement.js";
export * from "./optimal-placement.js";
export * from "./queue-outflow.js";
export * from "./venue-health.js";
export * from "./venue-scorecard.js";
