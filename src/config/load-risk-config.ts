/**
 * Adapter: reads a risk configuration file (.yaml, .yml or .json) and validates it with `parseRiskConfig`
 * (src/intake/risk-config.ts). Every user mistake is a one-line `UserError` naming the file (and the field).
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse } from "yaml";
import { UserError } from "../core/errors.js";
import { parseRiskConfig, type RiskConfig } from "../intake/risk-config.js";

export function loadRiskConfig(path: string): RiskConfig {
  const ext = extname(path).toLowerCase();
  if (ext !== ".json" && ext !== ".yaml" && ext !== ".yml") {
    throw new UserError(
      "risk-config-unsupported",
      `${path}: unsupported risk config type ${JSON.stringify(ext || "(none)")}; expected .json, .yaml or .yml`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      "risk-config-unreadable",
      `${path}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code})`}`,
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = ext === ".json" ? JSON.parse(text) : parse(text);
  } catch (error) {
    throw new UserError(
      "risk-config-syntax",
      `${path}: invalid ${ext === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`,
      { cause: error },
    );
  }
  return parseRiskConfig(raw, path);
}
