/**
 * Configuration of the FIX order gateway: one entry per OMS session (CompIDs, optional Logon password, the accounts
 * it may trade, a throttle, defaults for strategy parameters the OMS does not send). Validated with zod; a problem is
 * one line naming the file and the field (`sessions[1].targetCompId: ...`).
 *
 * Example (YAML or JSON):
 *   sessions:
 *     - id: OMS1                 # the engine's order source (default: the targetCompId)
 *       senderCompId: TRIBUTARY  # our CompID
 *       targetCompId: OMS1       # the OMS's CompID
 *       password: s3cret         # Logon Password (554) required when set
 *       accounts: [ACC1, ACC2]   # Account (1) must be one of these (absent: any)
 *       defaultAccount: ACC1     # used when an order has no Account (1)
 *       maxMessagesPerSecond: 500
 *       defaults: { urgency: high, durationSeconds: 60 }
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UserError } from "../core/errors.js";

const compId = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces or SOH");

const sessionSchema = z.strictObject({
  id: z.string().min(1, "must not be empty").optional(),
  beginString: z.enum(["FIX.4.4", "FIX.4.2"]).default("FIX.4.4"),
  senderCompId: compId,
  targetCompId: compId,
  /**
   * "orders" (default): an OMS sending orders, one order source. "drop-copy": a post-trade system (clearing,
   * compliance) that receives a copy of every execution of every source (CopyMsgIndicator 797=Y) and sends no orders.
   */
  role: z.enum(["orders", "drop-copy"]).default("orders"),
  password: z.string().min(1, "must not be empty").optional(),
  /** The SHA-256 (hex) of the Logon password instead of the password itself: the config then holds no secret. */
  passwordSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "a SHA-256 as 64 lowercase hex digits (print one with `tributary serve hash-token`)")
    .optional(),
  accounts: z.array(z.string().min(1, "must not be empty")).optional(),
  defaultAccount: z.string().min(1, "must not be empty").optional(),
  maxMessagesPerSecond: z.number().int("must be a whole number").positive("must be > 0").default(10_000),
  defaults: z
    .strictObject({
      urgency: z.enum(["low", "medium", "high"]).optional(),
      strategy: z.enum(["twap", "vwap", "pov", "is", "auto"]).optional(),
      /** EndTime = arrival + this, when the order has no ExpireTime (126). */
      durationSeconds: z.number().positive("must be > 0").optional(),
    })
    .default({}),
});

const gatewaySchema = z.strictObject({
  sessions: z.array(sessionSchema).min(1, "at least one session"),
});

export type OrderSessionConfig = Omit<z.output<typeof sessionSchema>, "id"> & { readonly id: string };

export interface OrderGatewayConfig {
  readonly sessions: readonly OrderSessionConfig[];
}

/** Validates a parsed config object; throws UserError with one line naming `origin` and the field. */
export function parseOrderGatewayConfig(value: unknown, origin = "config"): OrderGatewayConfig {
  const parsed = gatewaySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? "" : formatPath(issue.path);
    throw new UserError("fix-config", `${origin}: ${path === "" ? "" : `${path}: `}${issue?.message ?? "invalid"}`);
  }
  const sessions = parsed.data.sessions.map((s) => ({ ...s, id: s.id ?? s.targetCompId }));
  const problem = crossCheck(sessions);
  if (problem !== null) throw new UserError("fix-config", `${origin}: ${problem}`);
  return { sessions };
}

export function loadOrderGatewayConfig(path: string): OrderGatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UserError("fix-config", `${path}: ${why}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UserError("fix-config", `${path}: invalid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return parseOrderGatewayConfig(value, path);
}

function crossCheck(sessions: readonly OrderSessionConfig[]): string | null {
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i] as OrderSessionConfig;
    if (ids.has(s.id)) return `sessions[${i}].id: "${s.id}" is used by another session`;
    if (s.password !== undefined && s.passwordSha256 !== undefined) {
      return `sessions[${i}]: give password or passwordSha256, not both`;
    }
    ids.add(s.id);
    const key = `${s.beginString} ${s.senderCompId} ${s.targetCompId}`;
    if (keys.has(key)) return `sessions[${i}]: another session has the same beginString and CompIDs`;
    keys.add(key);
    if (s.defaultAccount !== undefined && s.accounts !== undefined && !s.accounts.includes(s.defaultAccount)) {
      return `sessions[${i}].defaultAccount: "${s.defaultAccount}" is not one of accounts`;
    }
  }
  return null;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `${out === "" ? "" : "."}${String(part)}`;
  return out;
}
