/**
 * The TCP transport of the FIX acceptor (node:net, or node:tls when given a certificate): one `FixConnection` per socket, bytes as latin1 both ways, Nagle
 * off, a timer that ticks the sessions (heartbeats, test requests, timeouts) every `tickMillis`. A socket error or
 * garbage on one connection closes that connection only; the process and the other sessions carry on.
 *
 * Writes made in one turn of the event loop are coalesced into one socket write (flushed on `process.nextTick`).
 *
 * Disconnect is a graceful end (our FIN after what was written is flushed), then a destroy after one second if the
 * peer does not close.
 */
import { createServer, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { createServer as createTlsServer } from "node:tls";
import type { Clock } from "../core/clock.js";
import type { FixAcceptor } from "./acceptor.js";

/** The wall clock, in microseconds (the live `Clock` of the gateway). */
export const wallClock: Clock = {
  now: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
};

export interface TcpAcceptorOptions {
  readonly host?: string;
  readonly port: number;
  readonly tickMillis?: number;
  /** PEM certificate and key: FIX over TLS (sessions on the plain port otherwise). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | null;
}

export class TcpFixAcceptor {
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly acceptor: FixAcceptor) {}

  /** Starts listening; resolves with the bound port (useful with port 0). */
  async listen(options: TcpAcceptorOptions): Promise<number> {
    const server =
      options.tls == null
        ? createServer((socket) => this.accept(socket))
        : createTlsServer({ cert: options.tls.cert, key: options.tls.key }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host ?? "0.0.0.0", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.timer = setInterval(() => this.acceptor.tick(), options.tickMillis ?? 100);
    const address = server.address();
    return typeof address === "object" && address !== null ? address.port : options.port;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    let killer: NodeJS.Timeout | null = null;
    // Messages written in one turn of the event loop (e.g. the execution reports of one fill allocated over many
    // orders) leave in one socket write, flushed before any I/O is polled again: one syscall, no added latency.
    let pending: string[] | null = null;
    const flush = (): void => {
      const out = pending;
      pending = null;
      if (out !== null && !socket.destroyed)
        socket.write(Buffer.from(out.length === 1 ? (out[0] as string) : out.join(""), "latin1"));
    };
    const connection = this.acceptor.connect({
      write: (raw) => {
        if (socket.destroyed) return;
        if (pending === null) {
          pending = [];
          process.nextTick(flush);
        }
        pending.push(raw);
      },
      close: () => {
        if (socket.destroyed) return;
        flush();
        socket.end();
        killer = setTimeout(() => socket.destroy(), 1000);
      },
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        connection.receive(chunk.toString("latin1"));
      } catch (error) {
        // A failure while handling one connection (a store error, an application bug) ends that connection only.
        this.acceptor.onError(error, connection.sessionId);
        socket.destroy();
      }
    });
    socket.on("error", (error) => this.acceptor.log?.(`socket error: ${error.message}`));
    socket.on("close", () => {
      if (killer !== null) clearTimeout(killer);
      this.sockets.delete(socket);
      connection.transportClosed();
    });
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
