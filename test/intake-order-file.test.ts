/**
 * Order files, CSV and JSONL, read from real files by the streaming reader: good rows run, each bad row is rejected
 * with its line, field and reason (in the summary and as an OrderRejected event), and the rows after it still run.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { orderFileFormat, readOrderFile } from "../src/config/order-file.js";
import { UserError } from "../src/core/errors.js";
import { formatRowReject, submitRows } from "../src/engine/submit-rows.js";
import { ORDER_FILE_HEADER, orderRows, splitCsvLine } from "../src/intake/order-row.js";
import { testEngine } from "./engine-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-orders-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CSV = `cl_ord_id,source,account,symbol,side,quantity,order_type,limit_price,urgency,strategy,start_time,end_time,max_participation,allow_cross
# a comment line, and a blank line below

o1,FILE,A1,ACME,buy,100,limit,150.00,high,,,,,true
o2,FILE,A1,ACME,buy,10.5,limit,150.00,,,,,,
o3,FILE,A2,PNNY,sell,0.0025,market,,,twap,,2026-01-05T16:00:00Z,0.1,false
o4,FILE,A2,NRTH,buy,200,limit,40.001,,,,,,
o5,FILE,A3,ACME,buy,"1,000",limit,150.00,,,,,,
o6,FILE,A3,ACME,sell,50,limit,150.00,,,,,
o1,FILE,A1,ACME,buy,100,limit,150.00,,,,,,
o7,FILE,A3,"ACME",sell,50,market,,low,,,,,no
`;

describe("CSV order file", () => {
  it("runs the good rows and rejects each bad row with its line, field and reason", async () => {
    const t = testEngine();
    const path = file("orders.csv", CSV);
    const summary = await submitRows(t.engine, readOrderFile(path));
    expect({ rows: summary.rows, accepted: summary.accepted }).toEqual({ rows: 8, accepted: 3 });
    expect(summary.rejected.map((r) => formatRowReject("orders.csv", r))).toEqual([
      'orders.csv:5: quantity: "10.5" is not a whole number of lots of 1 share (ACME) [quantity-not-lot-multiple] (cl_ord_id o2)',
      'orders.csv:7: limit_price: "40.001" is not a multiple of priceIncrement "0.01" [price-off-tick] (cl_ord_id o4)',
      'orders.csv:8: quantity: expected a decimal number of shares like "100", got "1,000" [invalid-quantity] (cl_ord_id o5)',
      "orders.csv:9: expected 14 fields, found 13 [malformed-row] (cl_ord_id o6)",
      "orders.csv:10: cl_ord_id: o1 was already used by source FILE [duplicate-cl-ord-id] (cl_ord_id o1)",
    ]);
    expect(t.engine.orders.map((o) => [o.clOrdId, o.symbol, o.side, o.orderQty, o.intent, o.allowCross])).toEqual([
      ["o1", "ACME", "buy", 100, "urgency-high", true],
      ["o3", "PNNY", "sell", 25, "twap", false],
      ["o7", "ACME", "sell", 50, "urgency-low", false],
    ]);
    // Every bad row is in the audit trail too.
    expect(t.ofType("order-rejected").map((e) => e.reason)).toEqual([
      "quantity-not-lot-multiple",
      "price-off-tick",
      "invalid-quantity",
      "malformed-row",
      "duplicate-cl-ord-id",
    ]);
  });

  it("refuses a bad header in one line naming the file and line", async () => {
    const path = file("bad-header.csv", "# orders\ncl_ord_id,source,account,symbol,side,qty,order_type\n");
    await expect(submitRows(testEngine().engine, readOrderFile(path))).rejects.toThrow(
      new UserError(
        "order-file-header",
        `${path}:2: header: unknown column "qty" (the columns are: cl_ord_id,source,account,symbol,side,quantity,order_type,limit_price,urgency,strategy,start_time,end_time,max_participation,allow_cross,tags)`,
      ),
    );
    const missing = file("missing.csv", "cl_ord_id,source,account,symbol,side,order_type\n");
    await expect(submitRows(testEngine().engine, readOrderFile(missing))).rejects.toThrow(
      /missing.csv:1: header: missing column quantity/,
    );
  });

  it("refuses a missing file and an unknown extension", async () => {
    await expect(submitRows(testEngine().engine, readOrderFile(join(dir, "nope.csv")))).rejects.toThrow(
      /nope.csv: no such file/,
    );
    expect(() => orderFileFormat("orders.txt")).toThrow(
      'orders.txt: unsupported order file type ".txt"; expected .csv, .jsonl or .ndjson',
    );
  });

  it("reads a minimal header, tags, quotes and CRLF line ends", () => {
    const rows = [
      ...orderRows(
        [
          "cl_ord_id,source,account,symbol,side,quantity,order_type,tags\r",
          'a,FILE,A1,ACME,buy,5,market,"desk=x;pm=y"\r',
        ],
        "csv",
      ),
    ];
    expect(rows).toEqual([
      {
        line: 2,
        input: expect.objectContaining({
          clOrdId: "a",
          quantity: "5",
          orderType: "market",
          limitPrice: null,
          tags: { desk: "x", pm: "y" },
        }),
      },
    ]);
    expect(splitCsvLine('a,"b ""c""",,d')).toEqual(["a", 'b "c"', "", "d"]);
    expect(splitCsvLine('a,"b')).toBe("unterminated quoted field");
  });
});

const JSONL = [
  '{"cl_ord_id":"j1","source":"FILE","account":"A1","symbol":"ACME","side":"buy","quantity":"100","order_type":"limit","limit_price":"150.00","allow_cross":true,"tags":{"pm":"x"}}',
  '{"cl_ord_id":"j2","source":"FILE","account":"A1","symbol":"ACME","side":"buy","quantity":0.5,"order_type":"market"}',
  "{not json",
  '{"cl_ord_id":"j3","source":"FILE","account":"A1","symbol":"ACME","side":"buy","quantity":100,"order_type":"market","colour":"red"}',
  '{"cl_ord_id":"j4","source":"FILE","account":"A1","symbol":"ACME","side":"sell","quantity":100,"order_type":"limit","limit_price":"150.00","end_time":"2026-01-05T14:00:00Z"}',
  '{"cl_ord_id":"j5","source":"FILE","account":"A1","symbol":"ACME","side":"sell","quantity":100,"order_type":"market","urgency":"high"}',
].join("\n");

describe("JSONL order file", () => {
  it("runs the good rows and rejects each bad row with its line, field and reason", async () => {
    const t = testEngine();
    const summary = await submitRows(t.engine, readOrderFile(file("orders.jsonl", JSONL)));
    expect(summary.accepted).toBe(2);
    expect(summary.rejected.map((r) => [r.line, r.clOrdId, r.field, r.reason])).toEqual([
      [2, "j2", "quantity", "invalid-quantity"],
      [3, "", null, "malformed-row"],
      [4, "j3", "colour", "unknown-field"],
      [5, "j4", "end_time", "end-in-past"],
    ]);
    expect(t.engine.order("FILE", "j1")?.tags).toEqual({ pm: "x" });
    expect(t.engine.order("FILE", "j5")?.orderQty).toBe(100);
  });

  it("refuses a value of the wrong type with the field's own reason, and reads on (a byte-order mark first too)", async () => {
    const order = (id: string, extra: string) =>
      `{"cl_ord_id":${id},"source":"FILE","account":"A1","symbol":"ACME","side":"buy","quantity":"100","order_type":"market"${extra}}`;
    const lines = [
      `\uFEFF${order('"b1"', "")}`,
      order('"b2"', ',"allow_cross":1'),
      order('"b3"', ',"max_participation":true'),
      order('"b4"', ',"start_time":true'),
      order('"b5"', ',"end_time":[1]'),
      order('"b6"', ',"urgency":2'),
      order("7", ""),
      order('"b8"', ',"tags":"desk"'),
      order('"b9"', "").replace('"side":"buy"', '"side":5'),
      order('"b10"', "").replace('"quantity":"100"', '"quantity":true'),
      order('"b11"', ""),
    ];
    const t = testEngine();
    const summary = await submitRows(t.engine, readOrderFile(file("typed.jsonl", lines.join("\n"))));
    expect(summary.rejected.map((r) => [r.line, r.field, r.reason, r.message])).toEqual([
      [2, "allow_cross", "invalid-allow-cross", "expected true or false, got 1"],
      [3, "max_participation", "invalid-max-participation", expect.stringMatching(/got true$/)],
      [4, "start_time", "invalid-time", expect.stringMatching(/got true$/)],
      [5, "end_time", "invalid-time", expect.stringMatching(/got 1$/)],
      [6, "urgency", "invalid-urgency", expect.stringMatching(/got 2$/)],
      [7, "cl_ord_id", "invalid-cl-ord-id", expect.stringMatching(/got 7$/)],
      [8, "tags", "invalid-tags", "expected a mapping of names to text"],
      [9, "side", "invalid-side", 'expected "buy" or "sell", got 5'],
      [10, "quantity", "invalid-quantity", "expected a decimal string of shares, got true"],
    ]);
    expect(t.engine.orders.map((o) => o.clOrdId)).toEqual(["b1", "b11"]);
  });
});

describe("comments, byte-order marks and empty files", () => {
  it("skips # lines but reads a quoted cl_ord_id that starts with #", () => {
    const rows = [
      ...orderRows(
        ["\uFEFFcl_ord_id,source,account,symbol,side,quantity,order_type", "#77,x", '"#77",FILE,A1,ACME,buy,5,market'],
        "csv",
      ),
    ];
    expect(rows).toEqual([{ line: 3, input: expect.objectContaining({ clOrdId: "#77" }) }]);
  });

  it("refuses a CSV file without a header line (an empty file is a mistake, not zero orders)", async () => {
    await expect(submitRows(testEngine().engine, readOrderFile(file("empty.csv", "")))).rejects.toThrow(
      new UserError(
        "order-file-header",
        `${join(dir, "empty.csv")}:0: header: missing (the file has no header line: ${ORDER_FILE_HEADER})`,
      ),
    );
    expect(() => [...orderRows(["# only a comment", ""], "csv")]).toThrow(/^2: header: missing/);
    expect([...orderRows([""], "jsonl")]).toEqual([]);
  });
});

describe("risk config file", () => {
  it("loads YAML and reports a bad field in one line naming the file", async () => {
    const { loadRiskConfig } = await import("../src/config/load-risk-config.js");
    const good = loadRiskConfig(file("risk.yaml", 'maxOrderQuantity: "500"\nrestrictedSymbols: [NRTH]\n'));
    expect(good.defaults.maxOrderQuantity).toBe("500");
    expect([...good.restrictedSymbols]).toEqual(["NRTH"]);
    const bad = file("bad-risk.yaml", "priceCollar: 0.1\n");
    expect(() => loadRiskConfig(bad)).toThrow(`${bad}: priceCollar: expected a decimal string like "0.10", got 0.1`);
    expect(() => loadRiskConfig(join(dir, "none.yaml"))).toThrow(/none.yaml: no such file/);
  });
});
