/**
 * The FIX acceptor over real TCP with two sessions: garbage, wrong CheckSums and missing required tags on one
 * connection are ignored, rejected or disconnected as FIX says, and the other session carries on untouched; a
 * connection that never logs on (or logs on as a session already connected) is closed.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixAcceptor } from "../src/fix/acceptor.js";
import { decodeFix, encodeFix, type FixMessage } from "../src/fix/codec.js";
import { EchoApplication } from "../src/fix/echo-application.js";
import { FIX44_DICTIONARY } from "../src/fix/fix-dictionaries.js";
import { formatUtcTimestamp } from "../src/fix/fix-time.js";
import { FixFramer } from "../src/fix/framer.js";
import { MemoryFixMessageStore } from "../src/fix/message-store.js";
import { type FixField, FixSession } from "../src/fix/session.js";
import { TcpFixAcceptor, wallClock } from "../src/fix/tcp-acceptor.js";

class Client {
  readonly messages: FixMessage[] = [];
  closed = false;
  private readonly framer = new FixFramer();
  private waiters: (() => void)[] = [];
  private seq = 1;

  private constructor(
    readonly socket: Socket,
    readonly senderCompId: string,
  ) {
    socket.on("data", (d: Buffer) => {
      for (const f of this.framer.push(d.toString("latin1"))) {
        const r = decodeFix(f);
        if (r.ok) this.messages.push(r.message);
      }
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  static open(port: number, senderCompId: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port }, () => resolve(new Client(s, senderCompId)));
      s.once("error", reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  raw(msgType: string, fields: FixField[], seq = this.seq++): string {
    return encodeFix("FIX.4.4", [
      [35, msgType],
      [49, this.senderCompId],
      [56, "ISLD"],
      [34, seq],
      [52, formatUtcTimestamp(wallClock.now())],
      ...fields,
    ]);
  }

  write(bytes: string): void {
    this.socket.write(Buffer.from(bytes, "latin1"));
  }

  send(msgType: string, fields: FixField[] = []): void {
    this.write(this.raw(msgType, fields));
  }

  async logon(): Promise<void> {
    this.send("A", [
      [98, 0],
      [108, 30],
    ]);
    await this.until(() => this.messages.some((m) => m.msgType === "A"), "Logon answer");
  }

  async ping(id: string): Promise<void> {
    this.send("1", [[112, id]]);
    await this.until(() => this.messages.some((m) => m.msgType === "0" && m.get(112) === id), `Heartbeat ${id}`);
  }
}

describe("FIX acceptor over TCP, two sessions", () => {
  let tcp: TcpFixAcceptor;
  let port: number;
  const sessions = ["TW44", "TW45"].map(
    (target) =>
      new FixSession(
        { beginString: "FIX.4.4", senderCompId: "ISLD", targetCompId: target, resetOnLogon: true },
        {
          clock: wallClock,
          store: new MemoryFixMessageStore(),
          dictionary: FIX44_DICTIONARY,
          application: new EchoApplication(),
        },
      ),
  );

  const errors: string[] = [];
  const buggy = new FixSession(
    { beginString: "FIX.4.4", senderCompId: "ISLD", targetCompId: "BUGGY", resetOnLogon: true },
    {
      clock: wallClock,
      store: new MemoryFixMessageStore(),
      dictionary: FIX44_DICTIONARY,
      application: {
        onMessage: () => {
          throw new Error("application bug");
        },
      },
    },
  );

  beforeAll(async () => {
    tcp = new TcpFixAcceptor(
      new FixAcceptor(wallClock, [...sessions, buggy], {
        logonTimeoutMicros: 500_000,
        log: (line) => errors.push(line),
      }),
    );
    port = await tcp.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await tcp.close();
  });

  it("bad input on one session is ignored or rejected; the other session is unaffected", async () => {
    const a = await Client.open(port, "TW44");
    const b = await Client.open(port, "TW45");
    await a.logon();
    await b.logon();

    a.write("\x00\xffnot FIX at all\x01\x01=\x01");
    a.write(a.raw("1", [[112, "bad-checksum"]], 2).replace(/10=\d{3}/, "10=999"));
    a.write(a.raw("1", [[112, "bad-length"]], 2).replace(/9=\d+/, "9=12"));
    await b.ping("b1");
    await a.ping("a1"); // MsgSeqNum 2: the garbled ones were ignored and did not consume it
    expect(a.messages.filter((m) => m.msgType === "0").map((m) => m.get(112))).toEqual(["a1"]);

    a.send("D", [
      [21, 1],
      [40, 1],
      [54, 1],
      [55, "ACME"],
      [60, formatUtcTimestamp(wallClock.now())],
    ]); // ClOrdID (11) missing
    await a.until(() => a.messages.some((m) => m.msgType === "3"), "Reject");
    const reject = a.messages.find((m) => m.msgType === "3");
    expect([reject?.get(371), reject?.get(373), reject?.get(372)]).toEqual(["11", "1", "D"]);

    await b.ping("b2");
    expect(a.closed || b.closed).toBe(false);
    a.socket.destroy();
    await b.ping("b3");
    expect(sessions[1]?.isLoggedOn).toBe(true);
    b.socket.destroy();
  });

  it("closes a connection that sends garbage or no Logon, and a second Logon for a connected session", async () => {
    const first = await Client.open(port, "TW44");
    await first.until(() => sessions[0]?.isConnected === false, "the previous TW44 connection to be gone");
    await first.logon();
    const dup = await Client.open(port, "TW44");
    dup.send("A", [
      [98, 0],
      [108, 30],
    ]);
    await dup.until(() => dup.closed, "duplicate identity disconnected");
    expect(dup.messages).toEqual([]);

    const silent = await Client.open(port, "TW45");
    await silent.until(() => silent.closed, "logon timeout", 3000);

    const junk = await Client.open(port, "TW45");
    junk.write("8=FIX.4.4\x019=5\x0135=A\x0110=000\x01");
    await junk.until(() => junk.closed, "garbled first message disconnected");

    await first.ping("still-here");
    first.socket.destroy();
  });

  it("an application that throws ends its own connection only", async () => {
    const ok = await Client.open(port, "TW45");
    await ok.logon();
    const bug = await Client.open(port, "BUGGY");
    await bug.logon();
    bug.send("D", [
      [11, "x"],
      [21, 1],
      [40, 1],
      [54, 1],
      [55, "ACME"],
      [60, formatUtcTimestamp(wallClock.now())],
    ]);
    await bug.until(() => bug.closed, "the buggy session's connection closed");
    expect(errors.some((l) => l.includes("application bug"))).toBe(true);
    await ok.ping("after-bug");
    ok.socket.destroy();
  });
});
