import { describe, expect, it } from "vitest";
import { LineSplitter } from "./byte-lines.js";
import { RowProblems } from "./row-problems.js";
import { TardisReplay } from "./tardis-replay.js";
import { detectSchema } from "./tardis-schema.js";

function replay(lines: string[], lenient = false) {
  const problems = new RowProblems(lenient);
  const r = new TardisReplay("t.csv", problems);
  const splitter = new LineSplitter(r);
  if (lines.length > 0) splitter.push(new TextEncoder().encode(`${lines.join("\n")}\n`));
  splitter.end();
  return { report: r.finish(), problems };
}

const L2 = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount";

describe("detectSchema", () => {
  it("recognises each schema by its header", () => {
    expect(detectSchema(L2.split(","))?.schema).toBe("incremental_book_L2");
    const snapshot = [
      "exchange",
      "symbol",
      "timestamp",
      "local_timestamp",
      "asks[0].price",
      "asks[0].amount",
      "bids[0].price",
      "bids[0].amount",
    ];
    expect(detectSchema(snapshot)).toMatchObject({ schema: "book_snapshot", levels: 1 });
    expect(detectSchema(["a", "b"])).toBeNull();
  });
});

describe("TardisReplay", () => {
  it("rebuilds an incremental L2 book: a snapshot run replaces the book, updates set absolute amounts", () => {
    const { report } = replay([
      L2,
      "deribit,BTC-PERPETUAL,1,2,true,ask,6421.5,100",
      "deribit,BTC-PERPETUAL,1,2,true,bid,6421,50",
      "deribit,BTC-PERPETUAL,3,4,false,ask,6421.5,0",
      "deribit,BTC-PERPETUAL,3,4,false,ask,6422,20",
      "deribit,BTC-PERPETUAL,5,6,false,bid,6421,0.5",
    ]);
    expect(report).toMatchObject({
      schema: "incremental_book_L2",
      exchange: "deribit",
      symbol: "BTC-PERPETUAL",
      rows: 5,
      snapshots: 1,
      updates: 3,
      crossed: 0,
      finalBbo: { bid: "6421", bidQty: "0.5", ask: "6422", askQty: "20" },
    });
  });

  it("checks the update-id chain of a Binance depth CSV", () => {
    const header = "symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu";
    const { report } = replay([
      header,
      "BTCUSDT,1,10,10,b,snap,100.0,1.0,-1",
      "BTCUSDT,1,10,10,a,snap,101.0,1.0,-1",
      "BTCUSDT,2,9,12,b,set,100.0,2.0,8",
      "BTCUSDT,3,13,15,a,set,101.0,0.5,12",
      "BTCUSDT,4,17,18,a,set,101.0,0.7,16",
    ]);
    expect(report).toMatchObject({ schema: "binance_depth", snapshots: 1, updates: 3, gaps: 1 });
    expect(report.finalBbo).toEqual({ bid: "100", bidQty: "2", ask: "101", askQty: "0.7" });
  });

  it("counts crossed quotes and reads book snapshots in price order", () => {
    const quotes = replay([
      "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount",
      "huobi,BTC-USD,1,2,5,8629.3,8629.2,806",
      "huobi,BTC-USD,1,2,5,8629.2,8629.3,806",
      "huobi,BTC-USD,1,2,,,8629.3,806",
    ]).report;
    expect([quotes.rows, quotes.crossed]).toEqual([3, 1]);
    const header =
      "exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,asks[1].price,asks[1].amount,bids[1].price,bids[1].amount";
    expect(() => replay([header, "x,Y,1,2,10,1,9,1,9.5,1,8,1"])).toThrow(
      "t.csv:2: asks[1].price: 9.5 is out of price order",
    );
  });

  it.each([
    [["a,b,c"], "t.csv:1: header: not a known CSV schema"],
    [[L2, "deribit,X,1,2,maybe,ask,1,1"], 't.csv:2: is_snapshot: expected true or false, got "maybe"'],
    [[L2, "deribit,X,1,2,true,ask,-1,1"], 't.csv:2: price: expected a decimal > 0 with at most 8 decimals, got "-1"'],
    [
      [L2, "deribit,X,1,2,true,ask,1.000000001,1"],
      't.csv:2: price: expected a decimal > 0 with at most 8 decimals, got "1.000000001"',
    ],
    [[L2, "deribit,X,1,2,true"], "t.csv:2: row: expected 8 comma-separated fields, got 5"],
    [[], "t.csv:1: header: the file is empty"],
  ])("refuses bad input naming file, line and field: %j", (lines, message) => {
    expect(() => replay(lines)).toThrow(message);
  });

  it("skips and counts bad rows when lenient", () => {
    const { report, problems } = replay(
      [L2, "deribit,X,1,2,true,ask,1,1", "bad", "deribit,X,1,2,true,bid,0.5,1"],
      true,
    );
    expect([report.rows, problems.skipped]).toEqual([2, 1]);
  });
});
