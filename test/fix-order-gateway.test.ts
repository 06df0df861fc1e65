/**
 * The FIX order gateway in-process over real TCP, in front of the engine running live (wall clock) on the simulated
 * venues of config/demo.yaml: orders are acknowledged and really fill, cancels, replaces and status requests are
 * answered, refusals name the field, a session cannot touch another session's orders, the throttle refuses, and an
 * unsupported message gets a BusinessMessageReject. The OMS side is a tiny initiator on our own codec.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadReferenceData } from "../src/config/load-config.js";
import { UserError } from "../src/core/errors.js";
import { FixAcceptor } from "../src/fix/acceptor.js";
import type { FixMessage } from "../src/fix/codec.js";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { MemoryFixMessageStore } from "../src/fix/message-store.js";
import { CustomTag, OrderGateway } from "../src/fix/order-gateway.js";
import { parseOrderGatewayConfig } from "../src/fix/order-gateway-config.js";
import type { FixField, FixSession } from "../src/fix/session.js";
import { TcpFixAcceptor, wallClock } from "../src/fix/tcp-acceptor.js";
import { FixTestInitiator } from "../src/fix/test-initiator.js";
import { VolumeProfile } from "../src/market/volume-profile.js";
import { SESSION_SECONDS } from "../src/model/market-parameters.js";
import { type LiveDay, startLiveDay } from "../src/runtime/live-day.js";

const REFERENCE = fileURLToPath(new URL("../config/demo.yaml", import.meta.url));

const config = parseOrderGatewayConfig({
  sessions: [
    {
      senderCompId: "TRIBUTARY",
      targetCompId: "OMS1",
      password: "pw1",
      accounts: ["A1", "A2"],
      defaultAccount: "A1",
    },
    { senderCompId: "TRIBUTARY", targetCompId: "OMS2", defaultAccount: "B1" },
    { senderCompId: "TRIBUTARY", targetCompId: "OMS3", defaultAccount: "C1", maxMessagesPerSecond: 3 },
  ],
});

const inSeconds = (s: number): string => formatUtcTimestamp(wallClock.now() + s * 1_000_000);

function order(clOrdId: string, fields: FixField[] = []): FixField[] {
  const has = (tag: number) => fields.some(([t]) => t === tag);
  const base: FixField[] = [[11, clOrdId]];
  if (!has(55)) base.push([55, "ACME"]);
  if (!has(54)) base.push([54, "1"]);
  base.push([60, formatUtcTimestamp(wallClock.now())]);
  if (!has(38)) base.push([38, "100"]);
  if (!has(40)) base.push([40, "2"]);
  if (!has(44) && !fields.some(([t, v]) => t === 40 && v === "1")) base.push([44, "100.00"]);
  return [...base, ...fields];
}

const num = (m: FixMessage, tag: number): number => Number(m.get(tag));
const isFinal = (m: FixMessage) => m.msgType === "8" && ["2", "4", "C", "8"].includes(m.get(39) ?? "");

describe("FIX order gateway over TCP, engine live on the simulated venues", () => {
  let day: LiveDay;
  let gateway: OrderGateway;
  let tcp: TcpFixAcceptor;
  let port: number;
  const clients: FixTestInitiator[] = [];

  let sessions: FixSession[] = [];
  const open = new Map<string, FixTestInitiator>();

  /** A logged-on OMS connection (the previous connection of the same session is closed first). */
  async function client(target: string, extra: FixField[] = []): Promise<FixTestInitiator> {
    const previous = open.get(target);
    if (previous !== undefined) {
      previous.close();
      const session = sessions.find((s) => s.targetCompId === target) as FixSession;
      await previous.until(() => !session.isConnected, `${target} disconnected`);
    }
    const c = await FixTestInitiator.open({ port, senderCompId: target, targetCompId: "TRIBUTARY", clock: wallClock });
    clients.push(c);
    open.set(target, c);
    const answer = await c.logon(extra);
    expect(answer.msgType, answer.get(58)).toBe("A");
    return c;
  }

  beforeAll(async () => {
    day = await startLiveDay({
      data: loadReferenceData(REFERENCE),
      profile: VolumeProfile.generatedU(SESSION_SECONDS),
      seed: 7,
      minutes: 30,
      sources: OrderGateway.sources(config),
      beforeExecutor: (engine) => {
        gateway = new OrderGateway(engine, config, { clock: wallClock });
      },
    });
    sessions = gateway.createSessions(new MemoryFixMessageStore());
    const acceptor = new FixAcceptor(wallClock, sessions);
    tcp = new TcpFixAcceptor(acceptor);
    port = await tcp.listen({ host: "127.0.0.1", port: 0 });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await tcp.close();
    gateway.close();
    day.stop();
  });

  it("refuses a Logon without the session's password, naming Password (554)", async () => {
    const c = await FixTestInitiator.open({ port, senderCompId: "OMS1", targetCompId: "TRIBUTARY", clock: wallClock });
    clients.push(c);
    const answer = await c.logon([[554, "wrong"]]);
    expect(answer.msgType).toBe("5");
    expect(answer.get(58)).toBe("Password (554): invalid");
    await c.until(() => c.closed, "disconnect");
  });

  it("D: a market order is acknowledged, then fills are reported with consistent CumQty, LeavesQty, AvgPx, LastMkt", async () => {
    const c = await client("OMS1", [[554, "pw1"]]);
    c.send(
      "D",
      order("M1", [
        [40, "1"],
        [38, "300"],
        [126, inSeconds(3)],
        [CustomTag.Urgency, "high"],
      ]),
    );
    const ack = await c.next((m) => m.msgType === "8" && m.get(11) === "M1", "ack");
    expect([ack.get(150), ack.get(39), ack.get(1), ack.get(151), ack.get(14)]).toEqual(["0", "0", "A1", "300", "0"]);
    const final = await c.next((m) => isFinal(m) && m.get(11) === "M1", "final report of M1", 15_000);
    const trades = c.filter((m) => m.msgType === "8" && m.get(11) === "M1" && m.get(150) === "F");
    expect(trades.length).toBeGreaterThan(0);
    let cum = 0;
    let notional = 0;
    for (const t of trades) {
      cum += num(t, 32);
      notional += num(t, 32) * num(t, 31);
      expect(num(t, 14)).toBe(cum);
      expect(num(t, 14) + num(t, 151)).toBe(t.get(39) === "2" ? cum : 300);
      expect(t.get(30)).toMatch(/\S/);
      expect(Math.abs(num(t, 6) * cum - notional)).toBeLessThan(1e-6 * notional);
    }
    expect(num(final, 14)).toBe(cum);
    expect(final.get(151)).toBe("0");
  });

  it("D then F: a resting limit order is cancelled (ExecType 4, ClOrdID the cancel's, OrigClOrdID the order's)", async () => {
    const c = await client("OMS2");
    c.send("D", order("L1"));
    await c.next((m) => m.msgType === "8" && m.get(11) === "L1" && m.get(150) === "0", "ack of L1");
    c.send("F", [
      [41, "L1"],
      [11, "L1-C"],
      [55, "ACME"],
      [54, "1"],
      [60, formatUtcTimestamp(wallClock.now())],
    ]);
    const cancelled = await c.next((m) => m.msgType === "8" && m.get(150) === "4", "cancel report");
    expect([cancelled.get(11), cancelled.get(41), cancelled.get(39), cancelled.get(151)]).toEqual([
      "L1-C",
      "L1",
      "4",
      "0",
    ]);
  });

  it("G replace and H status: the new quantity and price are reported, and the status names the new ClOrdID", async () => {
    const c = await client("OMS2");
    c.send("D", order("R1", [[1, "B1"]]));
    await c.next((m) => m.msgType === "8" && m.get(11) === "R1" && m.get(150) === "0", "ack of R1");
    c.send("G", [
      [41, "R1"],
      [11, "R2"],
      [55, "ACME"],
      [54, "1"],
      [60, formatUtcTimestamp(wallClock.now())],
      [38, "200"],
      [40, "2"],
      [44, "100.50"],
    ]);
    const replaced = await c.next((m) => m.msgType === "8" && m.get(150) === "5", "replace report");
    expect([replaced.get(11), replaced.get(41), replaced.get(38), replaced.get(44), replaced.get(151)]).toEqual([
      "R2",
      "R1",
      "200",
      "100.50",
      "200",
    ]);
    c.send("H", [
      [11, "R2"],
      [55, "ACME"],
      [54, "1"],
      [790, "S1"],
    ]);
    const status = await c.next((m) => m.msgType === "8" && m.get(790) === "S1", "status");
    expect([status.get(150), status.get(39), status.get(11), status.get(38), status.get(14)]).toEqual([
      "I",
      "0",
      "R2",
      "200",
      "0",
    ]);
    c.send("H", [
      [11, "NOPE"],
      [55, "ACME"],
      [54, "1"],
      [790, "S2"],
    ]);
    const unknown = await c.next((m) => m.msgType === "8" && m.get(790) === "S2", "status of an unknown order");
    expect(unknown.get(39)).toBe("8");
    expect(unknown.get(58)).toMatch(/^ClOrdID \(11\)/);
  });

  it("refusals name the field: unknown symbol (ER 103=1, Text Symbol (55)), bad account, bad Side (session Reject 371=54)", async () => {
    const c = await client("OMS1", [[554, "pw1"]]);
    c.send("D", order("U1", [[55, "NOPE"]]));
    const rejected = await c.next((m) => m.msgType === "8" && m.get(11) === "U1", "reject of U1");
    expect([rejected.get(150), rejected.get(39), rejected.get(103)]).toEqual(["8", "8", "1"]);
    expect(rejected.get(58)).toMatch(/^Symbol \(55\): unknown symbol/);

    c.send("D", order("U2", [[1, "ZZ"]]));
    const badAccount = await c.next((m) => m.msgType === "8" && m.get(11) === "U2", "reject of U2");
    expect(badAccount.get(39)).toBe("8");
    expect(badAccount.get(58)).toMatch(/^Account \(1\): account "ZZ" is not allowed/);

    c.send("D", order("U3", [[38, "10.5"]]));
    const badQty = await c.next((m) => m.msgType === "8" && m.get(11) === "U3", "reject of U3");
    expect(badQty.get(58)).toMatch(/^OrderQty \(38\)/);

    c.send("D", order("U4", [[54, "Z"]]));
    const reject = await c.next((m) => m.msgType === "3", "session Reject");
    expect([reject.get(371), reject.get(373), reject.get(372)]).toEqual(["54", "5", "D"]);

    c.send("D", order("U5", [[CustomTag.Urgency, "asap"]]));
    const badUrgency = await c.next((m) => m.msgType === "3" && m.get(371) === String(CustomTag.Urgency), "Reject");
    expect(badUrgency.get(373)).toBe("5");
  });

  it("strategy parameters: TargetStrategy 847, ParticipationRate 849, EffectiveTime 168, ExpireTime 126, AllowCross", async () => {
    const c = await client("OMS2");
    const start = wallClock.now() + 60_000_000;
    c.send(
      "D",
      order("S1", [
        [847, "1000"],
        [849, "0.10"],
        [168, formatUtcTimestamp(start)],
        [126, inSeconds(600)],
        [CustomTag.AllowCross, "Y"],
      ]),
    );
    await c.next((m) => m.msgType === "8" && m.get(11) === "S1" && m.get(150) === "0", "ack of S1");
    const accepted = day.engine.order("OMS2", "S1");
    expect(accepted?.strategy).toBe("twap");
    expect(accepted?.maxParticipation).toBe(0.1);
    expect(accepted?.allowCross).toBe(true);
    expect(Math.abs((accepted?.startTime ?? 0) - start)).toBeLessThan(1000);
    expect(accepted?.account).toBe("B1");

    c.send("D", order("S2", [[847, "7"]]));
    const badStrategy = await c.next((m) => m.msgType === "8" && m.get(11) === "S2", "reject of S2");
    expect(badStrategy.get(58)).toMatch(/^TargetStrategy \(847\): expected 1 \(VWAP\)/);
    c.send("D", order("S3", [[126, formatUtcTimestamp(wallClock.now() - 5_000_000)]]));
    const past = await c.next((m) => m.msgType === "8" && m.get(11) === "S3", "reject of S3");
    expect(past.get(58)).toMatch(/^ExpireTime \(126\): /);
    c.send(
      "D",
      order("S4", [
        [847, "1"],
        [CustomTag.Urgency, "high"],
      ]),
    );
    const conflicting = await c.next((m) => m.msgType === "8" && m.get(11) === "S4", "reject of S4");
    expect(conflicting.get(58)).toMatch(/^(Urgency \(9100\)|TargetStrategy \(847\)): /);
  });

  it("a session cannot cancel (or see) another session's order", async () => {
    const owner = await client("OMS1", [[554, "pw1"]]);
    const other = await client("OMS2");
    owner.send("D", order("MINE"));
    await owner.next((m) => m.msgType === "8" && m.get(11) === "MINE" && m.get(150) === "0", "ack of MINE");
    other.send("F", [
      [41, "MINE"],
      [11, "THEIRS-C"],
      [55, "ACME"],
      [54, "1"],
      [60, formatUtcTimestamp(wallClock.now())],
    ]);
    const refused = await other.next((m) => m.msgType === "9", "OrderCancelReject");
    expect([refused.get(11), refused.get(41), refused.get(102), refused.get(434), refused.get(37)]).toEqual([
      "THEIRS-C",
      "MINE",
      "1",
      "1",
      "NONE",
    ]);
    expect(refused.get(58)).toMatch(/^OrigClOrdID \(41\)/);
    other.send("H", [
      [11, "MINE"],
      [55, "ACME"],
      [54, "1"],
      [790, "peek"],
    ]);
    expect((await other.next((m) => m.get(790) === "peek", "status")).get(39)).toBe("8");
    expect(day.engine.order("OMS1", "MINE")?.isOpen).toBe(true);
    expect(owner.find((m) => m.get(11) === "THEIRS-C")).toBeUndefined();
  });

  it("the throttle refuses messages over the session's rate with a clear Text", async () => {
    const c = await client("OMS3");
    let burst = "";
    for (let i = 0; i < 6; i++) burst += c.encode("D", order(`T${i}`));
    c.write(burst);
    await c.until(
      () => c.filter((m) => m.msgType === "8" && (m.get(11) ?? "").startsWith("T")).length >= 6,
      "6 answers",
    );
    const answers = c.filter((m) => m.msgType === "8" && (m.get(11) ?? "").startsWith("T"));
    const throttled = answers.filter((m) => m.get(39) === "8");
    expect(throttled.map((m) => m.get(11))).toEqual(["T3", "T4", "T5"]);
    expect(throttled[0]?.get(58)).toBe("throttle: more than 3 messages per second on this session");
    expect(gateway.throttled("OMS3")).toBe(3);
    expect(day.engine.order("OMS3", "T4")).toBeUndefined();
  });

  it("an unsupported message gets a BusinessMessageReject (380=3)", async () => {
    const c = await client("OMS2");
    c.send("R", [
      [131, "Q1"],
      [146, 1],
      [55, "ACME"],
    ]);
    const j = await c.next((m) => m.msgType === "j", "BusinessMessageReject");
    expect([j.get(372), j.get(380)]).toEqual(["R", "3"]);
  });
});

describe("order gateway config", () => {
  it("names the field of the first problem in one line", () => {
    const bad = (value: unknown) => {
      try {
        parseOrderGatewayConfig(value, "gw.yaml");
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ sessions: [{ senderCompId: "A" }] })).toMatch(/^gw\.yaml: sessions\[0\]\.targetCompId: /);
    expect(bad({ sessions: [{ senderCompId: "A", targetCompId: "B", maxMessagesPerSecond: 0 }] })).toBe(
      "gw.yaml: sessions[0].maxMessagesPerSecond: must be > 0",
    );
    expect(bad({ sessions: [{ senderCompId: "A", targetCompId: "B", accounts: ["X"], defaultAccount: "Y" }] })).toBe(
      'gw.yaml: sessions[0].defaultAccount: "Y" is not one of accounts',
    );
    expect(
      bad({
        sessions: [
          { senderCompId: "A", targetCompId: "B" },
          { senderCompId: "A", targetCompId: "B", id: "other" },
        ],
      }),
    ).toBe("gw.yaml: sessions[1]: another session has the same beginString and CompIDs");
    expect(bad({ sessions: [{ senderCompId: "A", targetCompId: "B", colour: "red" }] })).toMatch(
      /^gw\.yaml: sessions\[0\]/,
    );
  });
});
