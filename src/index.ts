/** Tributary's public library API: the core, the reference data model, the market view and the venues. */
export { loadReferenceData } from "./config/load-config.js";
export * from "./core/index.js";
export * from "./market/index.js";
export * from "./model/index.js";
export { WallScheduler } from "./runtime/wall-scheduler.js";
export * from "./venue/index.js";
