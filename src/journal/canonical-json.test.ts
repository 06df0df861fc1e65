import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, generic } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth, leaves out undefined, writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [{ z: null, y: "x" }], c: undefined, type: "t" })).toBe(
      '{"a":[{"y":"x","z":null}],"b":1,"type":"t"}',
    );
    expect(canonicalJson({ "10": 1, "9": 2, a: 3 })).toBe('{"10":1,"9":2,"a":3}');
    expect(canonicalJson([1, "a\\n\t", true, null])).toBe(JSON.stringify([1, "a\\n\t", true, null]));
  });

  it("tells apart objects of one type whose keys are a prefix, an extension or a reordering of another's", () => {
    const objects = [
      { type: "shape-test", a: 1, b: 2 },
      { type: "shape-test", a: 1 },
      { type: "shape-test", a: 1, b: 2, c: 3 },
      { b: 2, type: "shape-test", a: 1 },
      { type: "shape-test", a: 1, c: 3 },
      { type: "shape-test", a: 1, b: 2 },
    ];
    expect(objects.map(canonicalJson)).toEqual([
      '{"a":1,"b":2,"type":"shape-test"}',
      '{"a":1,"type":"shape-test"}',
      '{"a":1,"b":2,"c":3,"type":"shape-test"}',
      '{"a":1,"b":2,"type":"shape-test"}',
      '{"a":1,"c":3,"type":"shape-test"}',
      '{"a":1,"b":2,"type":"shape-test"}',
    ]);
  });

  it("gives the same bytes whatever order the fields were created in, through the fast and generic paths", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom("a", "b", ""), (record, type) => {
        const event = { type, ...record };
        const reversed = Object.fromEntries(Object.entries(event).reverse());
        const once = canonicalJson(event);
        expect(canonicalJson(reversed)).toBe(once);
        expect(canonicalJson(event)).toBe(once);
        expect(generic(event)).toBe(once);
        expect(JSON.parse(once)).toEqual(JSON.parse(JSON.stringify(event)));
      }),
      { numRuns: 300 },
    );
  });
});
