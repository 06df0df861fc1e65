/**
 * The session layer rule by rule, with a test clock and no sockets: bytes in, messages out. Each test logs on first
 * (TW44 -> ISLD, FIX 4.4) unless it tests the Logon itself.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFix, encodeFix, type FixMessage } from "./codec.js";
import { FIX42_DICTIONARY, FIX44_DICTIONARY } from "./fix-dictionaries.js";
import { formatUtcTimestamp } from "./fix-time.js";
import { FixFramer } from "./framer.js";
import { type FixMessageStore, MemoryFixMessageStore } from "./message-store.js";
import { type FixField, FixSession, type FixSessionConfig, type UpstreamDurability } from "./session.js";
import { SqliteFixMessageStore } from "./sqlite-message-store.js";

const START = Date.UTC(2026, 0, 5, 14, 30) * 1000;

function harness(
  config: Partial<FixSessionConfig> = {},
  store: FixMessageStore = new MemoryFixMessageStore(),
  upstream?: UpstreamDurability,
) {
  let now = START;
  const clock = { now: () => now };
  const delivered: FixMessage[] = [];
  const events = { logons: 0, logouts: 0 };
  const session = new FixSession(
    { beginString: "FIX.4.4", senderCompId: "ISLD", targetCompId: "TW44", ...config },
    {
      clock,
      store,
      ...(upstream ? { upstream } : {}),
      dictionary: FIX44_DICTIONARY,
      application: {
        onLogon: () => events.logons++,
        onLogout: () => events.logouts++,
        onMessage: (s, m) => {
          delivered.push(m);
          if (m.msgType === "D") s.send("8", [[11, m.get(11) ?? ""]]);
        },
      },
    },
  );
  let out: FixMessage[] = [];
  let disconnects = 0;
  const framer = new FixFramer();
  const connect = () =>
    session.attach({
      // One write per group commit: a received message and its answers, or a batch of answers.
      write: (bytes) => {
        for (const raw of framer.push(bytes)) {
          const r = decodeFix(raw);
          if (!r.ok) throw new Error(`we sent a garbled message: ${r.reason}`);
          out.push(r.message);
        }
      },
      disconnect: () => disconnects++,
    });
  connect();
  const time = (offsetSeconds = 0) => formatUtcTimestamp(now + offsetSeconds * 1e6);
  const raw = (seq: number | string, msgType: string, fields: FixField[] = [], header: FixField[] = []) =>
    encodeFix("FIX.4.4", [[35, msgType], [49, "TW44"], [56, "ISLD"], [34, seq], [52, time()], ...header, ...fields]);
  const h = {
    session,
    delivered,
    events,
    connect,
    get disconnects() {
      return disconnects;
    },
    advance(seconds: number) {
      now += seconds * 1e6;
      session.tick();
    },
    time,
    raw,
    send(seq: number | string, msgType: string, fields: FixField[] = [], header: FixField[] = []) {
      session.receive(raw(seq, msgType, fields, header));
    },
    logon(seq = 1, extra: FixField[] = []) {
      h.send(seq, "A", [[98, 0], [108, 30], ...extra]);
    },
    /** The messages sent since the last call, as compact tag=value strings of the fields asked for. */
    take(...tags: number[]): string[] {
      const got = out;
      out = [];
      const shown = tags.length > 0 ? tags : [35, 34];
      return got.map((m) =>
        shown
          .filter((t) => m.has(t))
          .map((t) => `${t}=${m.get(t)}`)
          .join("|"),
      );
    },
    order(seq: number, clOrdId: string, header: FixField[] = []) {
      h.send(
        seq,
        "D",
        [
          [11, clOrdId],
          [21, 1],
          [40, 1],
          [54, 1],
          [55, "ACME"],
          [60, time()],
        ],
        header,
      );
    },
  };
  return h;
}

function loggedOn(config: Partial<FixSessionConfig> = {}) {
  const h = harness(config);
  h.logon();
  h.take();
  return h;
}

describe("Logon", () => {
  it("answers a Logon with EncryptMethod 0 and the HeartBtInt asked for", () => {
    const h = harness();
    h.logon();
    expect(h.take(35, 34, 98, 108)).toEqual(["35=A|34=1|98=0|108=30"]);
    expect(h.session.isLoggedOn).toBe(true);
    expect(h.events.logons).toBe(1);
    expect(h.session.nextTargetMsgSeqNum).toBe(2);
  });

  it("disconnects without answering a Logon with a SendingTime 121 s off", () => {
    const h = harness();
    h.session.receive(
      encodeFix("FIX.4.4", [
        [35, "A"],
        [49, "TW44"],
        [56, "ISLD"],
        [34, 1],
        [52, h.time(-121)],
        [98, 0],
        [108, 30],
      ]),
    );
    expect(h.take()).toEqual([]);
    expect(h.disconnects).toBe(1);
  });

  it("disconnects on a garbled or invalid Logon", () => {
    const h = harness();
    h.session.receive(h.raw(1, "A", [[98, 0]]).replace(/10=\d{3}/, "10=000"));
    expect(h.disconnects).toBe(1);
    const g = harness();
    g.send(1, "A", [[98, 0]]); // HeartBtInt missing
    expect(g.take()).toEqual([]);
    expect(g.disconnects).toBe(1);
  });

  it("a Logon MsgSeqNum too high: Logon answered, then a ResendRequest from 1 to infinity", () => {
    const h = harness();
    h.logon(5);
    expect(h.take(35, 34, 7, 16)).toEqual(["35=A|34=1", "35=2|34=2|7=1|16=0"]);
  });

  it("ResetSeqNumFlag while logged on resets both sequence numbers and is answered with 141=Y", () => {
    const h = loggedOn();
    for (let seq = 2; seq <= 5; seq++) h.send(seq, "0");
    h.logon(1, [[141, "Y"]]);
    expect(h.take(35, 34, 141)).toEqual(["35=A|34=1|141=Y"]);
    h.send(2, "1", [[112, "x"]]);
    expect(h.take(35, 34, 112)).toEqual(["35=0|34=2|112=x"]);
  });

  it("resetOnLogon starts every Logon at 1 and 1; without it the numbers carry on", () => {
    const h = harness({ resetOnLogon: true });
    h.logon();
    h.send(2, "5");
    h.connect();
    h.logon(1);
    expect(h.take(35, 34)).toEqual(["35=A|34=1", "35=5|34=2", "35=A|34=1"]);
    const k = harness();
    k.logon();
    k.send(2, "5");
    k.connect();
    k.logon(3);
    expect(k.take(35, 34)).toEqual(["35=A|34=1", "35=5|34=2", "35=A|34=3"]);
  });

  it("a second Logon without ResetSeqNumFlag while logged on is a disconnect", () => {
    const h = loggedOn();
    h.logon(2);
    expect(h.disconnects).toBe(1);
    expect(h.events.logouts).toBe(1);
  });
});

describe("MsgSeqNum", () => {
  it("too high: queued, one ResendRequest, then delivered in order after the gap is filled", () => {
    const h = loggedOn();
    h.order(4, "c");
    h.order(5, "d");
    expect(h.take(35, 34, 7, 16)).toEqual(["35=2|34=2|7=2|16=0"]);
    expect(h.delivered).toEqual([]);
    h.order(2, "a");
    h.order(3, "b");
    expect(h.delivered.map((m) => m.get(11))).toEqual(["a", "b", "c", "d"]);
    expect(h.session.nextTargetMsgSeqNum).toBe(6);
  });

  it("too low without PossDupFlag: Logout with the reason, then disconnect", () => {
    const h = loggedOn();
    h.send(2, "0");
    h.send(3, "0");
    h.send(2, "0");
    expect(h.take(35, 58)).toEqual(["35=5|58=MsgSeqNum too low, expecting 4 but received 2"]);
    expect(h.disconnects).toBe(1);
  });

  it("too low with PossDupFlag=Y: the duplicate is dropped, never delivered twice", () => {
    const h = loggedOn();
    h.order(2, "a");
    h.order(2, "a", [
      [43, "Y"],
      [122, h.time(-1)],
    ]);
    expect(h.delivered.map((m) => m.get(11))).toEqual(["a"]);
    expect(h.take(35)).toEqual(["35=8"]);
  });

  it("PossDupFlag=Y without OrigSendingTime: Reject 373=1 371=122", () => {
    const h = loggedOn();
    h.order(2, "a");
    h.take();
    h.order(2, "a", [[43, "Y"]]);
    expect(h.take(35, 45, 371, 372, 373)).toEqual(["35=3|45=2|371=122|372=D|373=1"]);
  });

  it("PossDupFlag=Y with OrigSendingTime after SendingTime: Reject 373=10 and Logout", () => {
    const h = loggedOn();
    h.order(2, "a");
    h.take();
    h.order(2, "a", [
      [43, "Y"],
      [122, h.time(10)],
    ]);
    expect(h.take(35, 373)).toEqual(["35=3|373=10", "35=5"]);
  });
});

describe("ResendRequest", () => {
  it("resends application messages with PossDupFlag=Y and OrigSendingTime; admin runs become GapFill", () => {
    const h = loggedOn();
    h.order(2, "a"); // our 2: ExecutionReport
    h.send(3, "1", [[112, "t"]]); // our 3: Heartbeat
    h.order(4, "b"); // our 4
    h.advance(1);
    h.take();
    h.send(5, "2", [
      [7, 1],
      [16, 0],
    ]);
    expect(h.take(35, 34, 43, 36, 123, 11)).toEqual([
      "35=4|34=1|43=Y|36=2|123=Y",
      "35=8|34=2|43=Y|11=a",
      "35=4|34=3|43=Y|36=4|123=Y",
      "35=8|34=4|43=Y|11=b",
    ]);
    const resent = h.take();
    expect(resent).toEqual([]);
    expect(h.session.nextSenderMsgSeqNum).toBe(5);
  });

  it("the resent message carries the original SendingTime as OrigSendingTime", () => {
    const h = loggedOn();
    h.order(2, "a");
    const sentAt = h.time();
    h.take();
    h.advance(5);
    h.send(3, "2", [
      [7, 2],
      [16, 2],
    ]);
    expect(h.take(35, 52, 122)).toEqual([`35=8|52=${h.time()}|122=${sentAt}`]);
  });
});

describe("SequenceReset", () => {
  it("GapFill moves the expected number forward; Reset mode ignores MsgSeqNum", () => {
    const h = loggedOn();
    h.send(2, "4", [
      [123, "Y"],
      [36, 10],
    ]);
    expect(h.session.nextTargetMsgSeqNum).toBe(10);
    h.send(0, "4", [[36, 20]]);
    expect(h.session.nextTargetMsgSeqNum).toBe(20);
    expect(h.take()).toEqual([]);
  });

  it("NewSeqNo below the expected number: Reject 373=5", () => {
    const h = loggedOn();
    h.send(0, "4", [[36, 1]]);
    expect(h.take(35, 45, 372, 373)).toEqual(["35=3|45=0|372=4|373=5"]);
    expect(h.session.nextTargetMsgSeqNum).toBe(2);
  });
});

describe("Reject", () => {
  it.each([
    ["an undefined tag", "0", [[999, "x"]], "371=999|372=0|373=0"],
    ["a tag not defined for the MsgType", "0", [[55, "ACME"]], "371=55|372=0|373=2"],
    ["a tag without a value", "1", [[112, ""]], "371=112|372=1|373=4"],
    ["a required tag missing", "1", [], "371=112|372=1|373=1"],
  ] as [string, string, FixField[], string][])("%s", (_name, msgType, fields, expected) => {
    const h = loggedOn();
    h.send(2, msgType, fields);
    expect(h.take(35, 45, 371, 372, 373)).toEqual([`35=3|45=2|${expected}`]);
    expect(h.session.nextTargetMsgSeqNum).toBe(3);
  });

  it("reverses the routing fields", () => {
    const h = loggedOn();
    h.send(2, "D", [[11, "a"]], [[115, "JCD"]]);
    expect(h.take(35, 128, 115, 371)).toEqual(["35=3|128=JCD|371=54"]);
  });

  it("SendingTime more than 120 s off: Reject 373=10, then Logout", () => {
    const h = loggedOn();
    h.session.receive(
      encodeFix("FIX.4.4", [
        [35, "0"],
        [49, "TW44"],
        [56, "ISLD"],
        [34, 2],
        [52, h.time(121)],
      ]),
    );
    expect(h.take(35, 45, 373)).toEqual(["35=3|45=2|373=10", "35=5"]);
    h.advance(2);
    expect(h.disconnects).toBe(1);
  });

  it("a wrong CompID after Logon: Reject 373=9, then Logout", () => {
    const h = loggedOn();
    h.session.receive(
      encodeFix("FIX.4.4", [
        [35, "0"],
        [49, "WT"],
        [56, "ISLD"],
        [34, 2],
        [52, h.time()],
      ]),
    );
    expect(h.take(35, 373)).toEqual(["35=3|373=9", "35=5"]);
  });

  it("a wrong BeginString after Logon: Logout", () => {
    const h = loggedOn();
    h.session.receive(h.raw(2, "1", [[112, "x"]]).replace("FIX.4.4", "FIX.4.1"));
    // the replaced BeginString breaks the CheckSum: garbled, ignored
    expect(h.take()).toEqual([]);
    h.session.receive(
      encodeFix("FIX.4.1", [
        [35, "1"],
        [49, "TW44"],
        [56, "ISLD"],
        [34, 2],
        [52, h.time()],
        [112, "x"],
      ]),
    );
    expect(h.take(35, 58)).toEqual(["35=5|58=Incorrect BeginString"]);
  });
});

describe("heartbeats", () => {
  it("Heartbeat after HeartBtInt of silence, TestRequest after 1.2, disconnect after 2.4", () => {
    const h = harness();
    h.send(1, "A", [
      [98, 0],
      [108, 10],
    ]);
    h.take();
    h.advance(9.9);
    expect(h.take()).toEqual([]);
    h.advance(0.1);
    expect(h.take(35, 34)).toEqual(["35=0|34=2"]);
    h.advance(2);
    expect(h.take(35, 34, 112)).toEqual(["35=1|34=3|112=TEST"]);
    h.advance(11.9);
    expect(h.disconnects).toBe(0);
    h.advance(0.1);
    expect(h.disconnects).toBe(1);
  });

  it("a TestRequest is answered with its TestReqID", () => {
    const h = loggedOn();
    h.send(2, "1", [[112, "PING"]]);
    expect(h.take(35, 112)).toEqual(["35=0|112=PING"]);
  });

  it("Logout is answered and disconnects; our Logout waits 2 s for the answer", () => {
    const h = loggedOn();
    h.send(2, "5");
    expect(h.take(35)).toEqual(["35=5"]);
    expect(h.disconnects).toBe(1);
    const k = loggedOn();
    k.session.logout("bye");
    k.advance(1.9);
    expect(k.disconnects).toBe(0);
    k.advance(0.1);
    expect(k.disconnects).toBe(1);
  });
});

describe("garbled input", () => {
  it("a bad CheckSum or BodyLength is ignored and the MsgSeqNum is not consumed", () => {
    const h = loggedOn();
    h.session.receive(h.raw(2, "1", [[112, "a"]]).replace(/10=\d{3}/, "10=256"));
    h.session.receive(h.raw(2, "1", [[112, "b"]]).replace(/9=\d+/, "9=20"));
    expect(h.take()).toEqual([]);
    h.send(2, "1", [[112, "c"]]);
    expect(h.take(35, 112)).toEqual(["35=0|112=c"]);
  });
});

describe("durability", () => {
  it("a restarted session keeps its sequence numbers and resends what it sent before the restart", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tributary-fix-session-")), "store.sqlite");
    const a = harness({}, new SqliteFixMessageStore(file));
    a.logon();
    a.order(2, "a");
    a.take();
    const b = harness({}, new SqliteFixMessageStore(file));
    expect(b.session.nextSenderMsgSeqNum).toBe(3);
    expect(b.session.nextTargetMsgSeqNum).toBe(3);
    b.logon(3);
    b.send(4, "2", [
      [7, 1],
      [16, 0],
    ]);
    expect(b.take(35, 34, 43, 11)).toEqual(["35=A|34=3", "35=4|34=1|43=Y", "35=8|34=2|43=Y|11=a", "35=4|34=3|43=Y"]);
  });

  /** A store that commits later (as the threaded SQLite store does): `commit` says durable, `fail` says it failed. */
  class LaterStore extends MemoryFixMessageStore {
    private waiting: ((error: Error | null) => void)[] = [];
    override whenDurable(done: (error: Error | null) => void): void {
      this.waiting.push(done);
    }
    commit(error: Error | null = null): void {
      const waiting = this.waiting;
      this.waiting = [];
      for (const done of waiting) done(error);
    }
  }

  it("with a store that commits later, nothing leaves before its commit, then everything in order", () => {
    const store = new LaterStore();
    const h = harness({}, store);
    h.logon();
    expect(h.take()).toEqual([]);
    h.order(2, "a");
    h.session.send("8", [[11, "unprompted"]]);
    expect(h.take()).toEqual([]);
    store.commit();
    expect(h.take(35, 34, 11)).toEqual(["35=A|34=1", "35=8|34=2|11=a", "35=8|34=3|11=unprompted"]);
    h.send(3, "5");
    expect(h.take()).toEqual([]);
    expect(h.disconnects).toBe(0);
    store.commit();
    expect(h.take()).toEqual(["35=5|34=4"]);
    expect(h.disconnects).toBe(1);
  });

  it("a message reporting an upstream record leaves once that is durable too, and what follows waits behind it", () => {
    const store = new LaterStore();
    const upstream = { durableSeq: 0 };
    const h = harness({}, store, upstream);
    h.logon();
    store.commit();
    expect(h.take()).toEqual(["35=A|34=1"]);
    h.session.send("8", [[11, "reports-5"]], { after: 5 });
    h.order(2, "a");
    store.commit();
    expect(h.take()).toEqual([]);
    expect(store.sentBetween(h.session.id, 2, 3)).toHaveLength(2); // stored before record 5 is durable
    upstream.durableSeq = 4;
    h.session.upstreamDurable();
    expect(h.take()).toEqual([]);
    upstream.durableSeq = 5;
    h.session.upstreamDurable();
    expect(h.take(35, 34, 11)).toEqual(["35=8|34=2|11=reports-5", "35=8|34=3|11=a"]);
  });

  it("a resend of stored messages waits for the upstream records they report", () => {
    const upstream = { durableSeq: 0 };
    const h = harness({}, new MemoryFixMessageStore(), upstream);
    h.session.send("8", [[11, "reports-7"]], { after: 7 }); // not logged on: stored and numbered, not sent
    h.logon();
    expect(h.take()).toEqual(["35=A|34=2"]);
    h.send(2, "2", [
      [7, 1],
      [16, 0],
    ]);
    expect(h.take()).toEqual([]);
    upstream.durableSeq = 7;
    h.session.upstreamDurable();
    expect(h.take(35, 34, 43, 11)).toEqual(["35=8|34=1|43=Y|11=reports-7", "35=4|34=2|43=Y"]);
  });

  it("with a store whose commit fails, the held bytes are dropped and the connection closed", () => {
    const store = new LaterStore();
    const h = harness({}, store);
    h.logon();
    store.commit();
    h.take();
    h.order(2, "a");
    store.commit(new Error("disk full"));
    expect(h.take()).toEqual([]);
    expect(h.disconnects).toBe(1);
    expect(h.session.isLoggedOn).toBe(false);
  });
});

describe("FIX 4.2", () => {
  function fix42() {
    let now = START;
    const out: FixMessage[] = [];
    const session = new FixSession(
      { beginString: "FIX.4.2", senderCompId: "ISLD", targetCompId: "TW42" },
      {
        clock: { now: () => now },
        store: new MemoryFixMessageStore(),
        dictionary: FIX42_DICTIONARY,
        application: { onMessage: () => {} },
      },
    );
    session.attach({
      write: (raw) => {
        const r = decodeFix(raw);
        if (r.ok) out.push(r.message);
      },
      disconnect: () => {},
    });
    const send = (seq: number, msgType: string, fields: FixField[]) =>
      session.receive(
        encodeFix("FIX.4.2", [
          [35, msgType],
          [49, "TW42"],
          [56, "ISLD"],
          [34, seq],
          [52, formatUtcTimestamp(now)],
          ...fields,
        ]),
      );
    return { session, out, send, advance: (s: number) => (now += s * 1e6) };
  }

  it("logs on, asks for a gap with EndSeqNo 0, and rejects without SessionRejectReason above 11", () => {
    const h = fix42();
    h.send(1, "A", [
      [98, 0],
      [108, 30],
    ]);
    h.send(3, "0", []);
    h.send(2, "D", [
      [11, "a"],
      [21, 1],
      [55, "X"],
      [54, 1],
      [60, "20260105-14:30:00"],
      [40, 1],
      [40, 2],
    ]);
    expect(h.out.map((m) => `${m.get(8)} ${m.msgType} ${m.get(7) ?? ""}${m.get(16) ?? ""}`)).toEqual([
      "FIX.4.2 A ",
      "FIX.4.2 2 20",
      "FIX.4.2 3 ",
    ]);
    const reject = h.out[2];
    expect([reject?.get(371), reject?.get(373), reject?.get(58)]).toEqual([
      "40",
      undefined,
      "Tag appears more than once",
    ]);
  });
});

describe("group commit", () => {
  it("receiveAll stores everything in one transaction and writes the answers after the commit, in one write", () => {
    const trace: string[] = [];
    class SpyStore extends MemoryFixMessageStore {
      override transaction<T>(work: () => T): T {
        trace.push("begin");
        const r = work();
        trace.push("commit");
        return r;
      }
      override recordSent(sessionId: string, msgSeqNum: number, raw: string): void {
        trace.push(`store ${msgSeqNum}`);
        super.recordSent(sessionId, msgSeqNum, raw);
      }
    }
    const h = harness({}, new SpyStore());
    const writes: string[] = [];
    let disconnected = false;
    h.session.attach({
      write: (raw) => {
        trace.push("write");
        writes.push(raw);
      },
      disconnect: () => {
        trace.push("disconnect");
        disconnected = true;
      },
    });
    h.logon();
    trace.length = 0;
    writes.length = 0;
    const order = (seq: number, id: string) =>
      h.raw(seq, "D", [
        [11, id],
        [21, 1],
        [40, 1],
        [54, 1],
        [55, "ACME"],
        [60, h.time()],
      ]);
    h.session.receiveAll([order(2, "a"), order(3, "b"), h.raw(2, "0")]);
    expect(trace).toEqual(["begin", "store 2", "store 3", "commit", "write", "disconnect"]);
    expect(writes).toHaveLength(1);
    const shown = (writes[0] ?? "").split("\x0110=").length - 1;
    expect(shown).toBe(3); // two ExecutionReports and the Logout, in one write
    expect(writes[0]).toContain("58=MsgSeqNum too low, expecting 4 but received 2");
    expect(disconnected).toBe(true);
  });
});

describe("group commit of sends", () => {
  class CountingStore extends MemoryFixMessageStore {
    readonly trace: string[] = [];
    failCommit = false;
    override transaction<T>(work: () => T): T {
      this.trace.push("begin");
      const r = work();
      if (this.failCommit) throw new Error("disk full");
      this.trace.push("commit");
      return r;
    }
    override recordSent(sessionId: string, msgSeqNum: number, raw: string): void {
      this.trace.push(`store ${msgSeqNum}`);
      super.recordSent(sessionId, msgSeqNum, raw);
    }
  }

  function grouped() {
    const store = new CountingStore();
    const h = harness({}, store);
    const writes: string[] = [];
    h.session.attach({
      write: (raw) => {
        store.trace.push("write");
        writes.push(raw);
      },
      disconnect: () => {},
    });
    h.logon();
    store.trace.length = 0;
    writes.length = 0;
    return { h, store, writes };
  }

  it("group: sends made outside a read are stored in one transaction, then written in one write", () => {
    const { h, store, writes } = grouped();
    const result = h.session.group(() => {
      for (const id of ["a", "b", "c"]) h.session.send("8", [[11, id]]);
      return "done";
    });
    expect(result).toBe("done");
    expect(store.trace).toEqual(["begin", "store 2", "store 3", "store 4", "commit", "write"]);
    expect(writes).toHaveLength(1);
    expect(
      (writes[0] ?? "")
        .split("\x0111=")
        .slice(1)
        .map((f) => f[0]),
    ).toEqual(["a", "b", "c"]);
    expect(h.session.group(() => h.session.group(() => h.session.send("8", [[11, "d"]])))).toBe(true);
    expect(store.trace.slice(6)).toEqual(["begin", "store 5", "commit", "write"]);
  });

  it("group: when the commit fails nothing leaves, and the numbers are the store's again", () => {
    const { h, store, writes } = grouped();
    store.failCommit = true;
    expect(() => h.session.group(() => h.session.send("8", [[11, "a"]]))).toThrow("disk full");
    expect(writes).toHaveLength(0);
    // The memory store has no rollback, so its numbers moved; a real store's would not. The session follows the store.
    expect(h.session.nextSenderMsgSeqNum).toBe(store.seqNums(h.session.id).nextSenderMsgSeqNum);
    store.failCommit = false;
    h.session.send("8", [[11, "b"]]);
    expect(writes).toHaveLength(1);
  });
});

describe("initiator role", () => {
  /** An initiator (TRIBUTARY -> LITA) and an acceptor (LITA -> TRIBUTARY) wired back to back, no sockets. */
  function pair() {
    let now = START;
    const clock = { now: () => now };
    const got = { initiator: [] as FixMessage[], acceptor: [] as FixMessage[], logons: 0 };
    const initiatorStore = new MemoryFixMessageStore();
    const acceptorStore = new MemoryFixMessageStore();
    const initiator = new FixSession(
      { beginString: "FIX.4.4", senderCompId: "TRIBUTARY", targetCompId: "LITA" },
      {
        clock,
        store: initiatorStore,
        dictionary: FIX44_DICTIONARY,
        application: { onLogon: () => got.logons++, onMessage: (_s, m) => got.initiator.push(m) },
      },
    );
    const acceptor = new FixSession(
      { beginString: "FIX.4.4", senderCompId: "LITA", targetCompId: "TRIBUTARY" },
      {
        clock,
        store: acceptorStore,
        dictionary: FIX44_DICTIONARY,
        application: {
          onMessage: (s, m) => {
            got.acceptor.push(m);
            s.send("9", [[11, m.get(11) ?? ""]]);
          },
        },
      },
    );
    const wire: string[] = [];
    const connect = () => {
      let open = true;
      const toAcceptorFramer = new FixFramer();
      const toInitiatorFramer = new FixFramer();
      const toAcceptor = {
        write: (bytes: string) => open && acceptor.receiveAll(toAcceptorFramer.push(bytes)),
        disconnect: () => drop(),
      };
      const toInitiator = {
        write: (bytes: string) => {
          const frames = toInitiatorFramer.push(bytes);
          wire.push(...frames);
          if (open) initiator.receiveAll(frames);
        },
        disconnect: () => drop(),
      };
      const drop = () => {
        if (!open) return;
        open = false;
        initiator.connectionLost(toAcceptor);
        acceptor.connectionLost(toInitiator);
      };
      acceptor.attach(toInitiator);
      initiator.attach(toAcceptor);
      return drop;
    };
    return {
      initiator,
      acceptor,
      got,
      wire,
      connect,
      advance: (s: number) => {
        now += s * 1e6;
      },
    };
  }

  const order = (id: string): FixField[] => [
    [11, id],
    [54, 1],
    [60, formatUtcTimestamp(START)],
    [40, 1],
  ];

  it("logs on with its own Logon and takes the acceptor's Logon as the answer, without answering it", () => {
    const p = pair();
    p.connect();
    p.initiator.initiateLogon({ heartBtInt: 30, resetSeqNum: true });
    expect(p.initiator.isLoggedOn).toBe(true);
    expect(p.acceptor.isLoggedOn).toBe(true);
    expect(p.got.logons).toBe(1);
    const answer = decodeFix(p.wire[0] ?? "");
    expect(answer.ok && [answer.message.msgType, answer.message.get(141), answer.message.get(108)]).toEqual([
      "A",
      "Y",
      "30",
    ]);
    expect(p.wire).toHaveLength(1);
    expect([p.initiator.nextSenderMsgSeqNum, p.initiator.nextTargetMsgSeqNum]).toEqual([2, 2]);
    p.initiator.send("D", order("O1"));
    expect(p.got.acceptor.map((m) => m.get(11))).toEqual(["O1"]);
    expect(p.got.initiator.map((m) => m.get(11))).toEqual(["O1"]);
  });

  it("after a reconnect without reset, gets what the acceptor sent while it was away (ResendRequest)", () => {
    const p = pair();
    const drop = p.connect();
    p.initiator.initiateLogon({ heartBtInt: 30, resetSeqNum: true });
    p.initiator.send("D", order("O1"));
    drop();
    expect(p.initiator.isLoggedOn).toBe(false);
    p.acceptor.send("9", [[11, "WHILE-AWAY-1"]]);
    p.acceptor.send("9", [[11, "WHILE-AWAY-2"]]);
    p.advance(1);
    p.connect();
    p.initiator.initiateLogon({ heartBtInt: 30, resetSeqNum: false });
    expect(p.initiator.isLoggedOn).toBe(true);
    expect(p.got.initiator.map((m) => [m.get(11), m.get(43) ?? "N"])).toEqual([
      ["O1", "N"],
      ["WHILE-AWAY-1", "Y"],
      ["WHILE-AWAY-2", "Y"],
    ]);
    expect(p.initiator.nextTargetMsgSeqNum).toBe(p.acceptor.nextSenderMsgSeqNum);
  });

  it("disconnects when the answer carries another HeartBtInt", () => {
    const p = pair();
    p.connect();
    const sent: string[] = [];
    let disconnected = false;
    p.initiator.attach({ write: (raw) => sent.push(raw), disconnect: () => (disconnected = true) });
    p.initiator.initiateLogon({ heartBtInt: 30, resetSeqNum: true });
    p.initiator.receive(
      encodeFix("FIX.4.4", [
        [35, "A"],
        [49, "LITA"],
        [56, "TRIBUTARY"],
        [34, 1],
        [52, formatUtcTimestamp(START)],
        [98, 0],
        [108, 10],
        [141, "Y"],
      ]),
    );
    expect(p.initiator.isLoggedOn).toBe(false);
    expect(disconnected).toBe(true);
  });
});

describe("transient messages (market data)", () => {
  it("numbers them without storing them, so a resend gap-fills over them; before Logon they are dropped", () => {
    const h = harness();
    expect(h.session.sendTransient("X", [[262, "M0"]])).toBe(false);
    h.logon();
    h.take();
    expect(h.session.sendTransient("X", [[262, "M1"]])).toBe(true);
    h.session.send("8", [[11, "A"]]);
    expect(h.session.sendTransient("X", [[262, "M2"]])).toBe(true);
    expect(h.take(35, 34, 262, 11)).toEqual(["35=X|34=2|262=M1", "35=8|34=3|11=A", "35=X|34=4|262=M2"]);
    h.send(2, "2", [
      [7, 2],
      [16, 0],
    ]);
    expect(h.take(35, 34, 43, 123, 36, 11)).toEqual([
      "35=4|34=2|43=Y|123=Y|36=3",
      "35=8|34=3|43=Y|11=A",
      "35=4|34=4|43=Y|123=Y|36=5",
    ]);
  });
});
