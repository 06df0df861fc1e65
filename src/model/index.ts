export * from "./execution-report.js";
export * from "./instrument.js";
export * from "./market-data.js";
export * from "./ord-status.js";
export * from "./order-types.js";
export * from "./reference-data.js";
export * from "./venue-spec.js";
