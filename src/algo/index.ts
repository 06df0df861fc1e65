/**
 * Execution algorithms: the schedules (TWAP, VWAP, POV, Implementation Shortfall), the child order tactics, the auto
 * (trilemma) policy and `ParentAlgo`, which combines them into child order decisions for one parent. Pure: no venue,
 * no clock of its own; the engine's executor drives it. Also the Almgren-Chriss optimal execution math.
 */
export * from "./algo-parameters.js";
export * from "./almgren-chriss.js";
export * from "./auto-policy.js";
export * from "./catch-up-cost.js";
export * from "./child-tactics.js";
export * from "./create-schedule.js";
export * from "./is.js";
export * from "./parent-algo.js";
export * from "./pov.js";
export * from "./schedule.js";
export * from "./twap.js";
export * from "./vwap.js";
