/**
 * A minimal FIX initiator for tests and tools: one TCP connection, our codec and framer, Logon with
 * ResetSeqNumFlag (or continuing a session), numbered messages out, every decoded message in (`messages`), and `until`
 * to wait for one.
 * It answers TestRequests with a Heartbeat and nothing else: no resend, no gap detection. Not an initiator for a
 * counterparty's session: besides tests and tools, it only drives the gateway's scratch copy in its warm-up
 * (runtime/gateway-warm-up.ts), over loopback.
 */
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import type { Clock } from "../core/clock.js";
import { decodeFix, encodeFix, type FixMessage } from "./codec.js";
import { formatUtcTimestamp } from "./fix-time.js";
import { FixFramer } from "./framer.js";
import type { FixField } from "./session.js";

export interface TestInitiatorOptions {
  readonly port: number;
  readonly host?: string;
  readonly beginString?: string;
  /** Our CompID (the OMS). */
  readonly senderCompId: string;
  /** The gateway's CompID. */
  readonly targetCompId: string;
  readonly clock: Clock;
  /** Connect over TLS, trusting this CA certificate (PEM). */
  readonly tlsCa?: Buffer;
  /** Our first MsgSeqNum (default 1): a session continued after a reconnect. */
  readonly firstSeq?: number;
}

export class FixTestInitiator {
  readonly messages: FixMessage[] = [];
  closed = false;
  private readonly framer = new FixFramer();
  private waiters: (() => void)[] = [];
  private seq = 1;

  private constructor(
    private readonly socket: Socket,
    private readonly options: TestInitiatorOptions,
  ) {
    this.seq = options.firstSeq ?? 1;
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => {
      for (const frame of this.framer.push(d.toString("latin1"))) {
        const r = decodeFix(frame);
        if (!r.ok) continue;
        this.messages.push(r.message);
        if (r.message.msgType === "1") this.send("0", [[112, r.message.get(112) ?? ""]]);
      }
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  static open(options: TestInitiatorOptions): Promise<FixTestInitiator> {
    return new Promise((resolve, reject) => {
      const host = options.host ?? "127.0.0.1";
      const s: Socket =
        options.tlsCa === undefined
          ? connect({ host, port: options.port }, () => resolve(new FixTestInitiator(s, options)))
          : connectTls({ host, port: options.port, ca: options.tlsCa }, () =>
              resolve(new FixTestInitiator(s, options)),
            );
      s.once("error", reject);
    });
  }

  /** The encoded message with the next MsgSeqNum. */
  encode(msgType: string, body: readonly FixField[]): string {
    return encodeFix(this.options.beginString ?? "FIX.4.4", [
      [35, msgType],
      [49, this.options.senderCompId],
      [56, this.options.targetCompId],
      [34, this.seq++],
      [52, formatUtcTimestamp(this.options.clock.now())],
      ...body,
    ]);
  }

  send(msgType: string, body: readonly FixField[] = []): void {
    this.write(this.encode(msgType, body));
  }

  write(bytes: string): void {
    if (!this.closed) this.socket.write(Buffer.from(bytes, "latin1"));
  }

  /**
   * Logon (HeartBtInt 30; ResetSeqNumFlag=Y unless `reset` is false: a session continued) and waits for the answer;
   * resolves with it (a Logon or a Logout).
   */
  async logon(extra: readonly FixField[] = [], reset = true): Promise<FixMessage> {
    this.send("A", [[98, 0], [108, 30], ...(reset ? ([[141, "Y"]] as FixField[]) : []), ...extra]);
    await this.until(
      () => this.find((m) => m.msgType === "A" || m.msgType === "5") !== undefined || this.closed,
      "Logon answer",
    );
    return this.find((m) => m.msgType === "A" || m.msgType === "5") as FixMessage;
  }

  find(predicate: (m: FixMessage) => boolean): FixMessage | undefined {
    return this.messages.find(predicate);
  }

  filter(predicate: (m: FixMessage) => boolean): FixMessage[] {
    return this.messages.filter(predicate);
  }

  /** Waits until `predicate` holds (checked on every message and every 50 ms). */
  async until(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Waits for the first message matching `predicate` and returns it. */
  async next(predicate: (m: FixMessage) => boolean, what: string, ms?: number): Promise<FixMessage> {
    await this.until(() => this.find(predicate) !== undefined, what, ms);
    return this.find(predicate) as FixMessage;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
