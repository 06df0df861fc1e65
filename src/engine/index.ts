export * from "./algo-executor.js";
export * from "./engine.js";
export * from "./engine-options.js";
export type { OrderReleaseOptions, ReleasedClOrdIds, ReleasedCounts } from "./order-release.js";
export * from "./submit-rows.js";
export * from "./venue-board.js";
