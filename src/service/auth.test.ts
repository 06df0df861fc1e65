import { describe, expect, it } from "vitest";
import { Authenticator, hashToken } from "./auth.js";

describe("Authenticator", () => {
  const auth = new Authenticator(
    [
      { id: "DESK", tokenSha256: hashToken("desk-token"), accounts: ["D1"] },
      { id: "ROBO", tokenSha256: hashToken("robo-token") },
    ],
    [{ id: "ops", tokenSha256: hashToken("admin-token") }],
  );

  it("hashes a token to 64 lowercase hex digits (SHA-256)", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("finds the principal of a bearer token, with its role and accounts", () => {
    expect(auth.authenticate("Bearer desk-token")).toEqual({ id: "DESK", role: "source", accounts: new Set(["D1"]) });
    expect(auth.authenticate("Bearer robo-token")).toEqual({ id: "ROBO", role: "source", accounts: null });
    expect(auth.authenticate("Bearer admin-token")).toMatchObject({ id: "ops", role: "admin" });
    // The scheme in any case (RFC 9110); the token exactly.
    expect(auth.authenticate("bearer robo-token")).toMatchObject({ id: "ROBO" });
    expect(auth.authenticate("BEARER robo-token")).toMatchObject({ id: "ROBO" });
    expect(auth.authenticate("Bearer ROBO-TOKEN")).toBeNull();
  });

  it.each([
    [undefined],
    [""],
    ["desk-token"],
    ["Basic desk-token"],
    ["Bearer "],
    ["Bearer desk-token2"],
    [`Bearer ${hashToken("desk-token")}`],
  ])("refuses %j", (header) => {
    expect(auth.authenticate(header)).toBeNull();
  });
});
