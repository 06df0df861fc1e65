/** The tag=value codec: CheckSum, BodyLength, field order, garbled input. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checksum, decodeFix, encodeFix, showFix } from "./codec.js";

const heartbeat = encodeFix("FIX.4.4", [
  [35, "0"],
  [49, "TW44"],
  [56, "ISLD"],
  [34, 2],
  [52, "20260105-14:30:00.000"],
]);

function garble(raw: string, from: string, to: string): string {
  return raw.replace(from, to);
}

describe("encodeFix", () => {
  it("writes BeginString, BodyLength, the fields and a three-digit CheckSum", () => {
    expect(showFix(heartbeat)).toMatch(
      /^8=FIX\.4\.4\|9=51\|35=0\|49=TW44\|56=ISLD\|34=2\|52=20260105-14:30:00\.000\|10=\d{3}\|$/,
    );
    const body = heartbeat.slice(heartbeat.indexOf("35="), heartbeat.indexOf("10="));
    expect(body.length).toBe(51);
    expect(Number(/10=(\d{3})/.exec(heartbeat)?.[1])).toBe(checksum(heartbeat, 0, heartbeat.indexOf("10=")));
  });

  it("encodes any fields as the tag=value text defines them, short and long values alike", () => {
    // The definition, written the plain way: fields as text, then BodyLength and CheckSum over that text.
    const reference = (begin: string, fields: readonly (readonly [number, string | number])[]) => {
      const text = fields.map(([tag, value]) => `${tag}=${value}\x01`).join("");
      const head = `8=${begin}\x019=${text.length}\x01`;
      return `${head}${text}10=${String(checksum(head + text)).padStart(3, "0")}\x01`;
    };
    const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)) });
    const value = fc.oneof(
      latin1,
      fc.string({ minLength: 40, maxLength: 9_000 }),
      fc.nat(),
      fc.double({ noNaN: true }),
    );
    const field = fc.tuple(fc.integer({ min: 1, max: 99_999 }), value);
    fc.assert(
      fc.property(
        fc.constantFrom("FIX.4.2", "FIX.4.4", "FIXT.1.1"),
        fc.array(field, { maxLength: 30 }),
        (begin, fields) => {
          const ascii = fields.map(
            ([t, v]) => [t, typeof v === "string" ? v.replace(/[^\x20-\xff]/g, "?") : v] as const,
          );
          expect(encodeFix(begin, ascii)).toBe(reference(begin, ascii));
        },
      ),
      { seed: 3, numRuns: 400 },
    );
  });

  it("checksum is the byte sum modulo 256", () => {
    expect(checksum("\x01")).toBe(1);
    expect(checksum("\xff\x02")).toBe(1);
    expect(checksum("8=FIX.4.2\x01")).toBe([..."8=FIX.4.2\x01"].reduce((s, c) => s + c.charCodeAt(0), 0) % 256);
  });
});

describe("decodeFix", () => {
  it("round-trips fields in wire order, repeats kept", () => {
    const raw = encodeFix("FIX.4.4", [
      [35, "D"],
      [11, "a=b"],
      [336, "X"],
      [336, "Y"],
      [38, ""],
    ]);
    const r = decodeFix(raw);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.message.tags).toEqual([8, 9, 35, 11, 336, 336, 38, 10]);
    expect(r.message.get(11)).toBe("a=b");
    expect(r.message.get(336)).toBe("X");
    expect(r.message.get(38)).toBe("");
    expect(r.message.msgType).toBe("D");
    expect(r.message.has(999)).toBe(false);
  });

  it("reads integers and flags", () => {
    const r = decodeFix(
      encodeFix("FIX.4.4", [
        [35, "0"],
        [34, 17],
        [43, "Y"],
        [97, "N"],
      ]),
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.message.getInt(34)).toBe(17);
    expect(r.message.getFlag(43)).toBe(true);
    expect(r.message.getFlag(97)).toBe(false);
    expect(r.message.getFlag(123)).toBe(false);
  });

  it.each([
    ["a wrong CheckSum", garble(heartbeat, /10=\d{3}/.exec(heartbeat)?.[0] ?? "", "10=256"), /CheckSum 256/],
    ["a two-digit CheckSum", heartbeat.replace(/10=\d(\d\d)/, "10=$1"), /CheckSum/],
    ["a BodyLength too short", garble(heartbeat, "9=51", "9=40"), /BodyLength 40 but the body has 51/],
    ["a BodyLength that is not a number", garble(heartbeat, "9=51", "9=5x"), /BodyLength/],
    ["MsgType not third", garble(heartbeat, "35=0\x0149=TW44", "49=TW44\x0135=0"), /first three/],
    ["a field without '='", garble(heartbeat, "49=TW44", "49TW44"), /without '='/],
    ["a tag that is not a number", garble(heartbeat, "49=TW44", "4x9=TW44"), /bad tag/],
    ["no trailing SOH", heartbeat.slice(0, -1), /SOH/],
  ])("calls %s garbled", (_name, raw, reason) => {
    const r = decodeFix(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
