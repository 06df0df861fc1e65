/**
 * `tributary venue-sim` over real TCP, seen from a raw FIX 4.4 client (fix/test-initiator.ts, our codec only, so every
 * tag is checked as it is on the wire): the tag mapping of README "FIX venues" for NewOrderSingle, cancel, replace and
 * status requests against the simulated lit venue, the refusals FIX prescribes for bad input (the process and the other
 * sessions carry on), and the built CLI end to end with the market model running.
 *
 * The in-process server runs the fixture reference data (test/sim-fixtures.ts) without background flow, so the books
 * hold only what a test rests there.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encodeFix, type FixMessage } from "../src/fix/codec.js";
import type { FixField } from "../src/fix/session.js";
import { wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";
import { parseReferenceData } from "../src/model/reference-data.js";
import { startVenueSim, type VenueSim } from "../src/runtime/venue-sim.js";
import { config } from "./sim-fixtures.js";

const CLI = join(import.meta.dirname, "..", "dist", "src", "cli", "main.js");

let sim: VenueSim;
const clients: FixTestInitiator[] = [];

beforeAll(async () => {
  sim = await startVenueSim({ data: parseReferenceData(config(), "fixture"), seed: 1, minutes: 0, port: 0 });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  // Until the server has seen every connection close: the next test may log on to the same venue session.
  const deadline = Date.now() + 5000;
  while (sim.acceptor.connectionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
});

afterAll(async () => {
  await sim.stop();
});

async function logon(venue: string): Promise<FixTestInitiator> {
  const c = await FixTestInitiator.open({
    port: sim.port,
    senderCompId: "TRIBUTARY",
    targetCompId: venue,
    clock: wallClock,
  });
  clients.push(c);
  const answer = await c.logon();
  expect(answer.msgType).toBe("A");
  return c;
}

const now = () => formatNow();
function formatNow(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

function order(
  id: string,
  side: string,
  qty: string,
  price: string | null,
  extra: FixField[] = [],
  account = "ACC",
): FixField[] {
  const f: FixField[] = [
    [11, id],
    [1, account],
    [55, "ACME"],
    [54, side],
    [60, now()],
    [38, qty],
    [40, price === null ? "1" : "2"],
  ];
  if (price !== null) f.push([44, price]);
  return [...f, ...extra];
}

/** The fields asked for of every message matching `where`, as "tag=value|..." strings. */
function show(c: FixTestInitiator, where: (m: FixMessage) => boolean, tags: number[]): string[] {
  return c.filter(where).map((m) =>
    tags
      .filter((t) => m.has(t))
      .map((t) => `${t}=${m.get(t)}`)
      .join("|"),
  );
}

const about = (id: string) => (m: FixMessage) => m.msgType === "8" && (m.get(11) === id || m.get(41) === id);

describe("venue-sim over FIX: order entry", () => {
  it("acknowledges, fills maker and taker with LastQty/LastPx/LastLiquidityInd, CumQty, LeavesQty and AvgPx", async () => {
    const c = await logon("LITA");
    c.send("D", order("B1", "1", "10", "150.00"));
    await c.next(about("B1"), "B1 acknowledged");
    c.send("D", order("S1", "2", "4", "149.99", [[59, "3"]], "OTHER"));
    await c.until(() => c.filter(about("S1")).length === 2 && c.filter(about("B1")).length === 2, "the fill");
    const tags = [150, 39, 54, 40, 59, 38, 44, 32, 31, 851, 14, 151, 6, 58];
    expect(show(c, about("B1"), tags)).toEqual([
      "150=0|39=0|54=1|40=2|59=0|38=10|44=150.00|14=0|151=10|6=0.000000000000",
      "150=F|39=1|54=1|40=2|59=0|38=10|44=150.00|32=4|31=150.00|851=1|14=4|151=6|6=150.000000000000",
    ]);
    expect(show(c, about("S1"), tags)).toEqual([
      "150=0|39=0|54=2|40=2|59=3|38=4|44=149.99|14=0|151=4|6=0.000000000000",
      "150=F|39=2|54=2|40=2|59=3|38=4|44=149.99|32=4|31=150.00|851=2|14=4|151=0|6=150.000000000000",
    ]);
    expect(c.find(about("B1"))?.get(37)).toMatch(/^LITA-\d+$/);
    expect(c.find(about("B1"))?.get(1)).toBe("ACC");
  });

  it("cancels (ExecType 4, OrigClOrdID, Text requested), replaces (ExecType 5) and answers OrderStatusRequest (ExecType I)", async () => {
    const c = await logon("LITB");
    c.send("D", order("O1", "1", "10", "149.00"));
    await c.next(about("O1"), "O1 acknowledged");
    c.send("G", [
      [41, "O1"],
      [11, "R1"],
      [55, "ACME"],
      [54, "1"],
      [60, now()],
      [38, "7"],
      [40, "2"],
      [44, "149.50"],
    ]);
    await c.next((m) => m.get(11) === "R1", "replaced");
    c.send("H", [
      [11, "R1"],
      [55, "ACME"],
      [54, "1"],
      [790, "Q1"],
    ]);
    await c.next((m) => m.get(150) === "I", "status");
    c.send("F", [
      [41, "R1"],
      [11, "C1"],
      [55, "ACME"],
      [54, "1"],
      [60, now()],
    ]);
    await c.next((m) => m.get(11) === "C1", "canceled");
    c.send("F", [
      [41, "NEVER"],
      [11, "C2"],
      [55, "ACME"],
      [54, "1"],
      [60, now()],
    ]);
    c.send("H", [
      [11, "NEVER"],
      [55, "ACME"],
      [54, "1"],
    ]);
    await c.next((m) => m.msgType === "9", "cancel reject");
    await c.until(() => c.filter((m) => m.get(150) === "I").length === 2, "status of an unknown order");
    const tags = [11, 41, 150, 39, 38, 44, 14, 151, 790, 58, 103];
    expect(show(c, (m) => m.msgType === "8", tags)).toEqual([
      "11=O1|150=0|39=0|38=10|44=149.00|14=0|151=10",
      "11=R1|41=O1|150=5|39=0|38=7|44=149.50|14=0|151=7",
      "11=R1|41=O1|150=I|39=0|38=7|44=149.50|14=0|151=7|790=Q1",
      "11=C1|41=R1|150=4|39=4|38=7|44=149.50|14=0|151=0|58=requested",
      "11=NEVER|150=I|39=8|14=0|151=0|58=unknown order|103=5",
    ]);
    expect(show(c, (m) => m.msgType === "9", [37, 11, 41, 39, 434, 102, 58])).toEqual([
      "37=NONE|11=C2|41=NEVER|39=8|434=1|102=1|58=unknown-order",
    ]);
  });

  it("maps post-only (ExecInst 6), IOC, MaxFloor and the venue's refusals with OrdRejReason and the exact reason in Text", async () => {
    const c = await logon("LITA");
    c.send("D", order("P0", "2", "5", "151.00", [[111, "0"]], "MM")); // hidden: rests, shows nothing
    c.send("D", order("P1", "1", "5", "151.00", [[18, "6"]])); // post-only would take the hidden sell
    c.send("D", order("P2", "1", "5", "151.01", [[59, "3"]])); // IOC takes the hidden 5
    c.send("D", order("P3", "1", "5", "150.001")); // off tick
    c.send("D", order("P4", "1", "2.5", "150.00")); // not whole lots
    c.send("D", order("P5", "1", "5", "150.00", [[59, "6"]])); // GTD: not in the port
    c.send("D", order("P5", "1", "5", "150.00")); // the same ClOrdID again: accepted, P5 was never claimed
    c.send("D", order("P5", "1", "5", "150.00")); // now a duplicate
    await c.until(() => c.filter((m) => m.msgType === "8" && /^P/.test(m.get(11) ?? "")).length === 10, "10 reports");
    expect(show(c, (m) => m.msgType === "8" && /^P/.test(m.get(11) ?? ""), [11, 150, 39, 32, 851, 103, 58])).toEqual([
      // Refused by the server itself, at once: it overtakes the venue's reports, which travel with its latency.
      "11=P5|150=8|39=8|103=11|58=unsupported-time-in-force",
      "11=P0|150=0|39=0",
      "11=P1|150=8|39=8|103=99|58=post-only-would-take",
      "11=P2|150=0|39=0",
      "11=P0|150=F|39=2|32=5|851=1",
      "11=P2|150=F|39=2|32=5|851=2",
      "11=P3|150=8|39=8|103=99|58=price-off-tick",
      "11=P4|150=8|39=8|103=13|58=invalid-quantity",
      "11=P5|150=0|39=0",
      "11=P5|150=8|39=8|103=6|58=duplicate-cl-ord-id",
    ]);
  });
});

describe("venue-sim over FIX: market data", () => {
  it("answers MarketDataRequest with a snapshot (W) per instrument, TradingSessionStatus (h), then refreshes (X)", async () => {
    const c = await logon("LITB");
    c.send("D", order("K1", "1", "10", "148.00")); // rests before the subscription: in the snapshot
    await c.next(about("K1"), "K1 acknowledged");
    c.send("V", [
      [262, "MD1"],
      [263, "1"],
      [264, "0"],
      [265, "1"],
      [267, 2],
      [269, "0"],
      [269, "1"],
      [146, 1],
      [55, "ACME"],
    ]);
    await c.until(() => c.filter((m) => m.msgType === "W").length === 3, "three snapshots");
    await c.next((m) => m.msgType === "h", "the trading session status");
    c.send("D", order("K2", "2", "300", "149.00"));
    c.send("D", order("K3", "1", "100", "149.00", [], "OTHER"));
    await c.until(() => c.filter((m) => m.msgType === "X").length === 3, "refreshes");
    const acme = c.find((m) => m.msgType === "W" && m.get(55) === "ACME");
    expect(acme?.raw.split("\x01").filter((f) => /^(262|55|268|269|270|271)=/.test(f))).toEqual([
      "262=MD1",
      "55=ACME",
      "268=1",
      "269=0",
      "270=148.00",
      "271=10",
    ]);
    expect(show(c, (m) => m.msgType === "h", [336, 340])).toEqual(["336=DAY|340=2"]);
    expect(show(c, (m) => m.msgType === "X", [262, 268, 279, 269, 55, 270, 271, 54])).toEqual(
      [
        "262=MD1|268=1|279=0|269=1|55=ACME|270=149.00|271=300",
        "262=MD1|268=1|279=0|269=2|55=ACME|270=149.00|271=100|54=1",
        "262=MD1|268=1|279=1|269=1|55=ACME|270=149.00|271=200",
      ].slice(0, 4),
    );
  });
});

describe("venue-sim over FIX: bad input", () => {
  it("rejects a bad field (Reject 35=3 with RefTagID), refuses unsupported messages (j, Y), and keeps the session", async () => {
    const c = await logon("DRKP");
    c.send("D", order("X1", "Z", "10", "150.00")); // Side Z is not a FIX 4.4 Side
    c.send("R", [[131, "QR1"]]); // QuoteRequest: not a venue-sim message
    c.send("V", [
      [262, "MD1"],
      [263, "0"], // snapshot only: not offered
      [264, "0"],
    ]);
    c.write("8=FIX.4.4\x019=5\x0135=D\x0110=000\x01"); // garbled: ignored
    c.send("D", order("X2", "1", "10", "150.00"));
    await c.next(about("X2"), "the order after the bad ones");
    expect(show(c, (m) => m.msgType === "3", [45, 371, 372, 373])).toEqual(["45=2|371=54|372=D|373=5"]);
    expect(show(c, (m) => m.msgType === "j", [372, 380])).toEqual(["372=R|380=3"]);
    expect(show(c, (m) => m.msgType === "Y", [262, 281])).toEqual(["262=MD1|281=4"]);
    expect(c.closed).toBe(false);
  });

  it("disconnects a connection whose first message is not a Logon, and the other sessions carry on", async () => {
    const c = await logon("LITB");
    const junk = connect({ port: sim.port, host: "127.0.0.1" });
    const closed = new Promise<void>((resolve) => junk.once("close", () => resolve()));
    junk.on("error", () => {});
    // A well-formed NewOrderSingle as the first message: FIX says disconnect, without an answer.
    junk.write(
      encodeFix("FIX.4.4", [
        [35, "D"],
        [49, "TRIBUTARY"],
        [56, "LITB"],
        [34, 1],
        [52, now()],
        ...order("J1", "1", "1", "1.00"),
      ]),
    );
    await closed;
    c.send("D", order("Y1", "1", "10", "140.00"));
    await c.next(about("Y1"), "an order after the junk connection");
  });
});

describe("tributary venue-sim (the built CLI)", () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill("SIGTERM");
  });

  it("listens, and an order that crosses the simulated market's book is acknowledged and filled", async () => {
    const proc = spawn(process.execPath, [CLI, "venue-sim", "--fix-port", "0", "--seed", "3", "--minutes", "5"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      proc.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening on [^:]+:(\d+)/.exec(out);
        if (m !== null) resolve(Number(m[1]));
      });
      proc.stderr?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      proc.once("exit", (code) => reject(new Error(`venue-sim exited with ${code}: ${out}`)));
    });
    const c = await FixTestInitiator.open({ port, senderCompId: "TRIBUTARY", targetCompId: "LITA", clock: wallClock });
    clients.push(c);
    expect((await c.logon()).msgType).toBe("A");
    // Far through the touch (the model quotes around $150), IOC: whatever it does not take is cancelled.
    c.send("D", order("M1", "1", "300", "160.00", [[59, "3"]]));
    await c.until(() => c.filter(about("M1")).some((m) => ["2", "4"].includes(m.get(39) ?? "")), "M1 done", 20_000);
    const reports = c.filter(about("M1"));
    expect(reports[0]?.get(150)).toBe("0");
    const fills = reports.filter((m) => m.get(150) === "F");
    expect(fills.length).toBeGreaterThan(0);
    const filled = fills.reduce((sum, m) => sum + Number(m.get(32)), 0);
    expect(Number(reports.at(-1)?.get(14))).toBe(filled);
    for (const f of fills) {
      expect(f.get(851)).toBe("2");
      expect(Number(f.get(31))).toBeLessThanOrEqual(160);
    }
  }, 30_000);
});
