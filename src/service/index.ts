/**
 * The live service (`tributary serve`): configuration, authentication, the HTTP API and its request schemas, the
 * WebSocket event stream, metrics, logs, and the wiring with graceful shutdown.
 */
export * from "./auth.js";
export * from "./end-of-day.js";
export * from "./event-stream.js";
export * from "./http-api.js";
export * from "./logger.js";
export * from "./metrics.js";
export * from "./order-view.js";
export * from "./parent-progress.js";
export * from "./request-schemas.js";
export * from "./service.js";
export * from "./service-config.js";
export * from "./zod-issue.js";
