/**
 * The Logon Password (554) check of an acceptor session (the order gateway's sessions, venue-sim's venues): the
 * password given is hashed and compared with the expected SHA-256 in constant time, so the time taken says nothing about
 * how much of it matched. The expected password is kept only as its hash.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { AppTag } from "./app-tags.js";
import type { FixMessage } from "./codec.js";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Why `logon` is refused (the Logout's Text), or null: it carries the password whose SHA-256 is `expectedSha256`. */
export function logonPasswordProblem(logon: FixMessage, expectedSha256: string): string | null {
  const given = logon.get(AppTag.Password);
  if (given === undefined) return "Password (554): required";
  const expected = Buffer.from(expectedSha256, "hex");
  return timingSafeEqual(Buffer.from(sha256Hex(given), "hex"), expected) ? null : "Password (554): invalid";
}
