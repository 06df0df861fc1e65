export * from "./clock.js";
export * from "./errors.js";
export * from "./fixed-point.js";
export * from "./ids.js";
export * from "./random.js";
export * from "./scheduler.js";
