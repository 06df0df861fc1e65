export * from "./aggregation-key.js";
export * from "./internal-cross.js";
export * from "./over-fill-book.js";
export * from "./parent-order.js";
export * from "./price-ladder.js";
