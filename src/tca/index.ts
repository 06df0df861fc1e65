/** Transaction cost analysis: pre-trade impact models, and the cost of an execution (implementation shortfall). */
export * from "./execution-cost.js";
export * from "./i-star.js";
