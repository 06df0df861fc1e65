export * from "./consolidated-quote.js";
export * from "./random-flow.js";
