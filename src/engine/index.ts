export * from "./engine.js";
export * from "./engine-options.js";
export * from "./interim-slicer.js";
export * from "./submit-rows.js";
