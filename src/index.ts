/** Tributary's public library API: the core, the reference data model, the market view and the venues. */

export * from "./aggregation/index.js";
export * from "./allocation/index.js";
export { loadReferenceData } from "./config/load-config.js";
export { loadVolumeProfile, parseVolumeProfileCsv } from "./config/volume-profile-file.js";
export * from "./core/index.js";
export * from "./engine/index.js";
export * from "./intake/index.js";
export * from "./market/index.js";
export * from "./model/index.js";
export { WallScheduler } from "./runtime/wall-scheduler.js";
export * from "./venue/index.js";
