export * from "./kill-switch.js";
export * from "./normalise-order.js";
export * from "./order-row.js";
export * from "./risk-config.js";
export * from "./risk-limits.js";
