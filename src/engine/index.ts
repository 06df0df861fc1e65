export * from "./algo-executor.js";
export * from "./engine.js";
export * from "./engine-options.js";
export * from "./submit-rows.js";
export * from "./venue-board.js";
