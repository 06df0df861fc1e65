/**
 * FixVenue against a FIX engine we did not write: the QuickFIX C++ acceptor (`qfpeer acceptor --ack`,
 * ../shared/tools/quickfix-peer) plays the venue, validating every message we send against QuickFIX's own FIX 4.4
 * dictionary, and acknowledges and fills every order at its limit price. Two port sessions send 150 limit orders each
 * (quantities and prices varied, some post-only, hidden or with a minimum quantity: tags QuickFIX must accept) over
 * FixVenue's one FIX session; every order must come back acknowledged then filled to the lot and the price unit, each
 * session hearing only about its own orders.
 *
 * QuickFIX sends no LastLiquidityInd, so these fills carry no liquidity flag and no fee (README "FIX venues"), which is
 * why the bookkeeping is checked here field by field rather than by the contract's audit (it requires the flag).
 * Needs libquickfix-dev, g++ and pkg-config; without them the test is skipped with that message. QFPEER=/path uses an
 * already built peer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import type { CancelReject, ExecutionReport } from "../src/model/execution-report.js";
import type { Side } from "../src/model/order-types.js";
import { parseReferenceData } from "../src/model/reference-data.js";
import { WallScheduler } from "../src/runtime/wall-scheduler.js";
import { FixVenue } from "../src/venue/fix/fix-venue.js";
import type { NewOrderRequest, OrderEntryListener } from "../src/venue/venue.js";
import { findQuickfixPeer, freePort, QFPEER_DICT } from "./quickfix-peer.js";
import { config } from "./sim-fixtures.js";

const peer = findQuickfixPeer();
if ("skip" in peer) process.stderr.write(`fix-venue-quickfix: skipped: ${peer.skip}\n`);

async function until(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

class Recorder implements OrderEntryListener {
  readonly reports: ExecutionReport[] = [];
  readonly rejects: CancelReject[] = [];
  onExecutionReport(report: ExecutionReport): void {
    this.reports.push(report);
  }
  onCancelReject(reject: CancelReject): void {
    this.rejects.push(reject);
  }
}

describe.skipIf("skip" in peer)("FixVenue against the QuickFIX C++ acceptor", () => {
  let child: ChildProcess | null = null;
  let venue: FixVenue | null = null;
  const scheduler = new WallScheduler();
  afterAll(async () => {
    await venue?.stop();
    scheduler.stop();
    child?.kill("SIGTERM");
  });

  it("every order acknowledged then filled, to the lot and the price unit, on the right session", async () => {
    const port = await freePort();
    const proc = spawn(
      (peer as { path: string }).path,
      ["acceptor", "--port", String(port), "--sender", "LITA", "--target", "TRIBUTARY", "--ack", "--dict", QFPEER_DICT],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await until(() => out.includes("listening"), `qfpeer listening (${out})`);
    const data = parseReferenceData(config(), "test");
    const spec = data.venues.find((v) => v.id === "LITA");
    if (spec === undefined) throw new Error("LITA missing");
    const lines: string[] = [];
    venue = new FixVenue({
      spec,
      instruments: data.instruments,
      scheduler,
      port,
      minBackoffMillis: 50,
      log: (line) => lines.push(line),
    }).start();
    await venue.loggedOn();
    const sessions = [new Recorder(), new Recorder()];
    const entries = sessions.map((r) => venue?.connect(r));
    const sent: NewOrderRequest[][] = [[], []];
    for (let i = 0; i < 300; i++) {
      const s = i % 2;
      const order: NewOrderRequest = {
        clOrdId: `O${Math.floor(i / 2)}`, // the same ClOrdIDs on both sessions: unique per session only
        account: s === 0 ? "ACC-A" : "ACC-B",
        symbol: "ACME",
        side: (i % 3 === 0 ? "sell" : "buy") as Side,
        ordType: "limit",
        timeInForce: i % 5 === 0 ? "ioc" : "day",
        orderQty: 1 + ((i * 37) % 500),
        price: 1_500_000 + ((i % 7) - 3) * 50, // half-tick prices too (150.005): QuickFIX echoes them as LastPx
        postOnly: i % 11 === 0,
        displayQty: i % 13 === 0 ? 0 : null,
        minQty: i % 17 === 0 ? 1 : null,
      };
      sent[s]?.push(order);
      entries[s]?.submit(order);
    }
    await until(
      () => sessions.every((r, s) => r.reports.filter((x) => x.ordStatus === "filled").length === sent[s]?.length),
      "every order filled",
    );
    expect(lines.filter((l) => /dropped|reject/i.test(l))).toEqual([]);
    for (const [s, recorder] of sessions.entries()) {
      const orders = sent[s] ?? [];
      expect(recorder.rejects).toEqual([]);
      expect(recorder.reports).toHaveLength(orders.length * 2);
      for (const order of orders) {
        const reports = recorder.reports.filter((r) => r.clOrdId === order.clOrdId);
        const shown = reports.map((r) => [
          r.execType,
          r.ordStatus,
          r.account,
          r.side,
          r.orderQty,
          r.price,
          r.lastQty,
          r.lastPx,
          r.cumQty,
          r.leavesQty,
        ]);
        expect(shown, `session ${s} order ${order.clOrdId}`).toEqual([
          ["new", "new", order.account, order.side, order.orderQty, order.price, 0, 0, 0, order.orderQty],
          [
            "trade",
            "filled",
            order.account,
            order.side,
            order.orderQty,
            order.price,
            order.orderQty,
            order.price,
            order.orderQty,
            0,
          ],
        ]);
        expect(reports[1]?.avgPx).toBeCloseTo(order.price as number, 6);
        expect(reports[0]?.venueOrderId).toMatch(/^Q\d+$/);
        expect(reports[1]?.venueOrderId).toBe(reports[0]?.venueOrderId);
        expect([reports[1]?.liquidity, reports[1]?.feeMicros]).toEqual([null, 0]);
      }
    }
  }, 60_000);
});
