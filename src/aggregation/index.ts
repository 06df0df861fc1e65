export * from "./aggregation-key.js";
export * from "./internal-cross.js";
export * from "./parent-order.js";
export * from "./price-ladder.js";
