/**
 * The TCP transport of a FIX initiator (node:net): it connects to the acceptor, hands the socket to one `FixSession`
 * (framed by `FixFramer`, bytes as latin1, one store commit per TCP read as on the acceptor side), sends our Logon, and
 * ticks the session (heartbeats, test requests, timeouts). When the connection fails or drops it connects again after
 * a backoff that doubles from `minBackoffMillis` to `maxBackoffMillis` and starts over after a Logon succeeds.
 *
 * Sequence numbers: the first Logon of this object asks the acceptor to reset them (`resetOnFirstLogon`, default true:
 * the usual choice with an in-memory store); later Logons do not, so each side asks the other for what it missed
 * (ResendRequest) and no report is lost across a reconnect (`resetOnEveryLogon` for peers that reset on each Logon
 * anyway: then what was sent while away is not resent, and the application must reconcile). Garbage from the peer is the session's business (ignored,
 * or Logout and disconnect); the process carries on and reconnects.
 *
 * TLS (`tls`): the connection is node:tls, the acceptor's certificate checked against `ca` (default: the system's
 * roots) and `servername`; a certificate that does not check fails the connection like a refused one (retried).
 * `logonFields` go on every Logon we send (Password 554).
 *
 * Known limits: one connection at a time; no session schedule.
 */
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { FixFramer } from "./framer.js";
import type { FixField, FixSession, FixSessionOutput } from "./session.js";

export interface InitiatorTls {
  /** PEM certificate(s) the acceptor's certificate must chain to; absent: the system's roots. */
  readonly ca?: Buffer;
  /** The name the certificate must carry (and SNI); default the host. */
  readonly servername?: string;
}

export interface TcpInitiatorOptions {
  readonly host?: string;
  readonly port: number;
  /** HeartBtInt (108) we ask for, seconds. Default 30. */
  readonly heartBtInt?: number;
  /** Default true: ResetSeqNumFlag=Y on the first Logon. */
  readonly resetOnFirstLogon?: boolean;
  /** ResetSeqNumFlag=Y on every Logon, for peers that reset on each one anyway. Default false. */
  readonly resetOnEveryLogon?: boolean;
  readonly minBackoffMillis?: number;
  readonly maxBackoffMillis?: number;
  /** A connection without the Logon answer after this long is closed (and retried). Default 10 s. */
  readonly logonTimeoutMillis?: number;
  readonly tickMillis?: number;
  readonly tls?: InitiatorTls | null;
  readonly logonFields?: readonly FixField[];
  readonly log?: (line: string) => void;
}

export class TcpFixInitiator {
  private socket: Socket | null = null;
  private stopped = true;
  private loggedOnOnce = false;
  private backoff: number;
  private retry: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private connects = 0;

  constructor(
    private readonly session: FixSession,
    private readonly options: TcpInitiatorOptions,
  ) {
    this.backoff = options.minBackoffMillis ?? 100;
  }

  /** Connection attempts so far (the first included). */
  get connectionAttempts(): number {
    return this.connects;
  }

  /** Starts connecting (and reconnecting until `stop`). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.ticker = setInterval(() => this.tick(), this.options.tickMillis ?? 100);
    this.open();
  }

  /** Sends Logout when logged on, then closes; no more reconnects. Resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    if (this.ticker !== null) clearInterval(this.ticker);
    this.retry = null;
    this.ticker = null;
    const socket = this.socket;
    if (socket === null) return;
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      if (this.session.isLoggedOn) {
        // The acceptor answers our Logout and the session then disconnects; the timer covers a silent peer.
        this.session.logout();
        setTimeout(() => socket.destroy(), 1000).unref();
      } else socket.destroy();
    });
  }

  /** Drops the connection without a Logout, as a network failure would (tests and drills); it reconnects. */
  dropConnection(): void {
    this.socket?.destroy();
  }

  private open(): void {
    if (this.stopped) return;
    this.connects++;
    const host = this.options.host ?? "127.0.0.1";
    const tls = this.options.tls ?? null;
    const socket: Socket =
      tls === null
        ? connect({ host, port: this.options.port })
        : connectTls({
            host,
            port: this.options.port,
            ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
            ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
          });
    this.socket = socket;
    socket.setNoDelay(true);
    const framer = new FixFramer();
    let closed = false;
    let pending: string[] | null = null;
    const flush = (): void => {
      const out = pending;
      pending = null;
      if (out !== null && !socket.destroyed) socket.write(Buffer.from(out.join(""), "latin1"));
    };
    const output: FixSessionOutput = {
      write: (raw) => {
        if (closed || socket.destroyed) return;
        if (pending === null) {
          pending = [];
          process.nextTick(flush);
        }
        pending.push(raw);
      },
      disconnect: () => {
        if (closed) return;
        flush();
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      },
    };
    const logonTimer = setTimeout(() => {
      if (!this.session.isLoggedOn) {
        this.log("no Logon answer in time: closing");
        socket.destroy();
      }
    }, this.options.logonTimeoutMillis ?? 10_000);
    logonTimer.unref();
    socket.once(tls === null ? "connect" : "secureConnect", () => {
      this.log(`connected to ${host}:${this.options.port}${tls === null ? "" : " (TLS)"}`);
      this.session.attach(output);
      this.session.initiateLogon({
        heartBtInt: this.options.heartBtInt ?? 30,
        resetSeqNum:
          this.options.resetOnEveryLogon === true || (!this.loggedOnOnce && (this.options.resetOnFirstLogon ?? true)),
        ...(this.options.logonFields !== undefined ? { fields: this.options.logonFields } : {}),
      });
    });
    socket.on("data", (chunk: Buffer) => {
      if (closed) return;
      const wasLoggedOn = this.session.isLoggedOn;
      try {
        this.session.receiveAll(framer.push(chunk.toString("latin1")));
      } catch (error) {
        this.log(`error while handling the acceptor's messages: ${(error as Error).message}`);
        socket.destroy();
        return;
      }
      if (!wasLoggedOn && this.session.isLoggedOn) {
        this.loggedOnOnce = true;
        this.backoff = this.options.minBackoffMillis ?? 100;
      }
    });
    socket.on("error", (error) => this.log(`socket error: ${error.message}`));
    socket.on("close", () => {
      closed = true;
      clearTimeout(logonTimer);
      if (this.socket === socket) this.socket = null;
      this.session.connectionLost(output);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry !== null) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMillis ?? 5000);
    this.log(`reconnecting in ${delay} ms`);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.open();
    }, delay);
  }

  private tick(): void {
    try {
      this.session.tick();
    } catch (error) {
      this.log(`error in the session timer: ${(error as Error).message}`);
      this.session.disconnect("error in the session timer");
    }
  }

  private log(line: string): void {
    this.options.log?.(`${this.session.id}: ${line}`);
  }
}
