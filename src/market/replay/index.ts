/**
 * Replay of recorded market data: readers (LOBSTER, Binance captures, Tardis CSV), the books they rebuild, the checks
 * against each source's own record, and the queue-position model for our orders in a replayed book. The readers are
 * adapters (node:fs, node:zlib); everything else is pure.
 */
export * from "./binance-capture.js";
export * from "./binance-reader.js";
export * from "./binance-replay.js";
export * from "./binance-sync.js";
export * from "./feed-scales.js";
export * from "./l2-book.js";
export * from "./lobster-book.js";
export * from "./lobster-check.js";
export * from "./lobster-feed.js";
export * from "./lobster-format.js";
export * from "./lobster-pairs.js";
export * from "./lobster-reader.js";
export * from "./lobster-replay.js";
export * from "./lobster-run.js";
export * from "./price-ladder.js";
export * from "./queue-position-book.js";
export * from "./row-problems.js";
export * from "./tardis-reader.js";
export * from "./tardis-replay.js";
export * from "./tardis-schema.js";
