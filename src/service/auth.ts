/**
 * Who is calling: per-principal API tokens, kept only as SHA-256 hashes (the config never holds a token). A request
 * presents `Authorization: Bearer <token>`; its hash is compared with every configured hash in constant time (no early
 * exit, `timingSafeEqual`), so the time taken says nothing about which principal, or how much of a hash, matched.
 * Roles: a `source` places and sees only its own orders (its id is the engine's order source); an `admin` sees every
 * source and may use the kill switch.
 * Tokens are long random strings chosen by the operator, so one unsalted SHA-256 is enough (no password stretching).
 * Every request hashes its token with the one-shot `crypto.hash` (no Hash object per request: half the cost of
 * `createHash` for a short token), and nothing is cached, so each request takes the same path whatever it presents.
 */
import { hash, timingSafeEqual } from "node:crypto";

export type Role = "source" | "admin";

export interface Principal {
  readonly id: string;
  readonly role: Role;
  /** For a source: the accounts it may trade (null: any). */
  readonly accounts: ReadonlySet<string> | null;
}

interface Entry {
  readonly principal: Principal;
  readonly hash: Buffer;
}

/** The SHA-256 of a token, as the config stores it (64 lowercase hex digits). */
export function hashToken(token: string): string {
  return hash("sha256", token, "hex");
}

const BEARER = /^bearer /i;

export class Authenticator {
  private readonly entries: Entry[];

  constructor(
    sources: readonly { id: string; tokenSha256: string; accounts?: readonly string[] | undefined }[],
    admins: readonly { id: string; tokenSha256: string }[],
  ) {
    this.entries = [
      ...sources.map((s) => ({
        principal: { id: s.id, role: "source" as const, accounts: s.accounts ? new Set(s.accounts) : null },
        hash: Buffer.from(s.tokenSha256, "hex"),
      })),
      ...admins.map((a) => ({
        principal: { id: a.id, role: "admin" as const, accounts: null },
        hash: Buffer.from(a.tokenSha256, "hex"),
      })),
    ];
  }

  /** The principal of an `Authorization` header value, or null (absent, not Bearer, or no match). */
  authenticate(authorization: string | undefined): Principal | null {
    // The scheme is case-insensitive (RFC 9110): "Bearer", "bearer", "BEARER".
    if (authorization === undefined || !BEARER.test(authorization)) return null;
    const token = authorization.slice(7).trim();
    if (token === "") return null;
    const digest = hash("sha256", token, "buffer");
    let found: Principal | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.hash)) found = entry.principal;
    }
    return found;
  }
}
