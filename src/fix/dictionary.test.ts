/** Session-level validation against the FIX 4.4 and 4.2 dictionaries: one test per SessionRejectReason it produces. */
import { describe, expect, it } from "vitest";
import { decodeFix, encodeFix } from "./codec.js";
import { validateMessage } from "./dictionary.js";
import { FIX42_DICTIONARY, FIX44_DICTIONARY } from "./fix-dictionaries.js";
import type { FixField } from "./session.js";

const HEADER: FixField[] = [
  [49, "TW44"],
  [56, "ISLD"],
  [34, 2],
  [52, "20260105-14:30:00.000"],
];
const ORDER: FixField[] = [
  [11, "id"],
  [21, 1],
  [40, 1],
  [54, 1],
  [55, "ACME"],
  [60, "20260105-14:30:00"],
];

function check(msgType: string, fields: FixField[], dictionary = FIX44_DICTIONARY) {
  const r = decodeFix(encodeFix(dictionary.beginString, [[35, msgType], ...fields]));
  if (!r.ok) throw new Error(r.reason);
  return validateMessage(dictionary, r.message);
}

describe("validateMessage", () => {
  it("accepts a well-formed order in any body order, and a group with NumInGroup 0", () => {
    expect(check("D", [...HEADER, ...ORDER])).toBeNull();
    expect(check("D", [...HEADER, ...[...ORDER].reverse()])).toBeNull();
    expect(check("D", [...HEADER, ...ORDER, [454, 0]])).toBeNull();
    expect(check("D", [...HEADER, ...ORDER, [386, 2], [336, "A"], [625, "x"], [336, "B"]])).toBeNull();
  });

  it.each([
    ["a header field after the body", [...ORDER, ...HEADER], 14, 49],
    ["a missing header field", HEADER.slice(1), 1, 49],
    ["a missing body field", [...HEADER, ...ORDER.slice(1)], 1, 11],
    ["an empty value", [...HEADER, ...ORDER, [58, ""]], 4, 58],
    ["an unknown tag", [...HEADER, ...ORDER, [5000, "x"]], 0, 5000],
    ["a repeated tag", [...HEADER, ...ORDER, [40, 2]], 13, 40],
    ["a bad number", [...HEADER, ...ORDER, [38, "+200"]], 6, 38],
    ["a bad timestamp", [...HEADER, ...ORDER, [126, "20260105"]], 6, 126],
    ["a bad enumerated value", [...HEADER, ...ORDER.filter(([t]) => t !== 40), [40, "w"]], 5, 40],
    ["a wrong NumInGroup", [...HEADER, ...ORDER, [386, 3], [336, "A"], [336, "B"]], 16, 386],
  ] as [string, FixField[], number, number][])("rejects %s", (_name, fields, reason, refTagId) => {
    expect(check("D", fields)).toEqual({ reason, refTagId });
  });

  it("rejects an unknown MsgType and a tag not defined for a session message", () => {
    expect(check("*", HEADER)).toEqual({ reason: 11, refTagId: null });
    expect(check("0", [...HEADER, [55, "ACME"]])).toEqual({ reason: 2, refTagId: 55 });
  });

  it("knows the FIX 4.2 tags and required fields", () => {
    expect(check("D", [...HEADER, ...ORDER], FIX42_DICTIONARY)).toBeNull();
    expect(check("D", [...HEADER, ...ORDER, [800, "x"]], FIX42_DICTIONARY)).toEqual({ reason: 0, refTagId: 800 });
    expect(check("D", [...HEADER, ...ORDER.filter(([t]) => t !== 21)], FIX42_DICTIONARY)).toEqual({
      reason: 1,
      refTagId: 21,
    });
  });
});
