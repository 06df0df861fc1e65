/**
 * The acceptor side of the FIX gateway, without sockets: it owns the configured sessions and, for each transport
 * connection, a framer that cuts the byte stream into messages. A connection belongs to no session until its first
 * message: that must be a well-formed Logon whose BeginString, SenderCompID and TargetCompID name a configured session
 * that is not already connected; anything else (garbage, another MsgType, unknown CompIDs, a duplicate identity) is
 * disconnected without an answer, as FIX prescribes for a failed Logon. A connection that sends no Logon within
 * `logonTimeoutMicros` is closed.
 *
 * Invariants: one connection per session at a time; what one connection sends never reaches another session; after
 * a disconnect, the rest of that connection's bytes are dropped.
 */
import type { Clock } from "../core/clock.js";
import { decodeFix } from "./codec.js";
import { FixFramer } from "./framer.js";
import type { FixSession, FixSessionOutput } from "./session.js";
import { MsgType, Tag } from "./tags.js";

/** What the acceptor needs from a transport connection. */
export interface FixTransport {
  write(raw: string): void;
  close(): void;
}

export class FixConnection {
  private readonly framer = new FixFramer();
  private session: FixSession | null = null;
  private closed = false;
  private readonly output: FixSessionOutput;
  readonly connectedAt: number;

  constructor(
    private readonly acceptor: FixAcceptor,
    private readonly transport: FixTransport,
  ) {
    this.connectedAt = acceptor.clock.now();
    this.output = {
      write: (raw) => {
        if (!this.closed) transport.write(raw);
      },
      disconnect: () => this.close(),
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get sessionId(): string | null {
    return this.session?.id ?? null;
  }

  /** Bytes from the transport (latin1: one char per byte). */
  receive(bytes: string): void {
    if (this.closed) return;
    const frames = this.framer.push(bytes);
    if (frames.length === 0) return;
    let from = 0;
    if (this.session === null) {
      this.first(frames[0] as string);
      from = 1;
    }
    if (this.closed || this.session === null || from >= frames.length) return;
    this.session.receiveAll(from === 0 ? frames : frames.slice(from));
  }

  /** The transport closed (peer or error). */
  transportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.session?.connectionLost(this.output);
    this.acceptor.forget(this);
  }

  tick(now: number): void {
    if (!this.closed && this.session === null && now - this.connectedAt >= this.acceptor.logonTimeoutMicros) {
      this.acceptor.log?.("no Logon in time: disconnecting");
      this.close();
    }
  }

  private first(frame: string): void {
    const decoded = decodeFix(frame);
    if (!decoded.ok) {
      this.acceptor.log?.(`garbled first message (${decoded.reason}): disconnecting`);
      this.close();
      return;
    }
    const message = decoded.message;
    const session =
      message.msgType === MsgType.Logon
        ? this.acceptor.find(
            message.get(Tag.BeginString) ?? "",
            message.get(Tag.TargetCompID) ?? "",
            message.get(Tag.SenderCompID) ?? "",
          )
        : undefined;
    if (session === undefined) {
      this.acceptor.log?.(
        `first message is not a Logon for a configured session (35=${message.msgType} 8=${message.get(8)} ` +
          `49=${message.get(Tag.SenderCompID)} 56=${message.get(Tag.TargetCompID)}): disconnecting`,
      );
      this.close();
      return;
    }
    if (session.isConnected) {
      this.acceptor.log?.(`${session.id}: already connected: disconnecting the second connection`);
      this.close();
      return;
    }
    this.session = session;
    session.attach(this.output);
    session.receive(frame);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    const session = this.session;
    if (session?.isConnected) session.connectionLost(this.output);
    this.transport.close();
    this.acceptor.forget(this);
  }
}

export interface FixAcceptorOptions {
  readonly logonTimeoutMicros?: number;
  readonly log?: (line: string) => void;
}

export class FixAcceptor {
  private readonly sessions = new Map<string, FixSession>();
  private readonly connections = new Set<FixConnection>();
  readonly logonTimeoutMicros: number;
  readonly log: ((line: string) => void) | undefined;

  constructor(
    readonly clock: Clock,
    sessions: readonly FixSession[],
    options: FixAcceptorOptions = {},
  ) {
    for (const s of sessions) this.sessions.set(key(s.beginString, s.senderCompId, s.targetCompId), s);
    this.logonTimeoutMicros = options.logonTimeoutMicros ?? 10_000_000;
    this.log = options.log;
  }

  /** A new transport connection. */
  connect(transport: FixTransport): FixConnection {
    const connection = new FixConnection(this, transport);
    this.connections.add(connection);
    return connection;
  }

  find(beginString: string, senderCompId: string, targetCompId: string): FixSession | undefined {
    return this.sessions.get(key(beginString, senderCompId, targetCompId));
  }

  forget(connection: FixConnection): void {
    this.connections.delete(connection);
  }

  /** Timers of every connection and session; a failure in one is reported and does not stop the others. */
  tick(): void {
    const now = this.clock.now();
    for (const c of [...this.connections]) c.tick(now);
    for (const s of this.sessions.values()) {
      try {
        s.tick();
      } catch (error) {
        this.onError(error, s.id);
        s.disconnect("error in the session timer");
      }
    }
  }

  /** An unexpected error while serving one connection or session: reported, never fatal to the others. */
  onError(error: unknown, sessionId: string | null): void {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    (this.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`${sessionId ?? "connection"}: error: ${text}`);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  allSessions(): FixSession[] {
    return [...this.sessions.values()];
  }
}

function key(beginString: string, senderCompId: string, targetCompId: string): string {
  return `${beginString}\x01${senderCompId}\x01${targetCompId}`;
}
