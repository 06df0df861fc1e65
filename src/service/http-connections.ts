/**
 * The HTTP server's open connections and which of them have a request in progress, for a stop: Node's own
 * `closeIdleConnections` leaves a connection that has not sent a request yet open, so a client that connected and
 * said nothing would hold the stop until the grace limit. Here an idle connection is any that has no request in
 * progress, whether or not it ever sent one. Over TLS, a connection still in its handshake is not an HTTP connection
 * yet (Node's `closeAllConnections` does not see it either); `closeAll` closes it too.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Server as TlsServer } from "node:tls";

export class HttpConnections {
  /** Each open connection, with its requests in progress (more than one when a client pipelines). */
  private readonly open = new Map<Socket, number>();
  /** Every TCP connection (under TLS too, where `open` holds the TLS sockets above them). */
  private readonly tcp = new Set<Socket>();

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.tcp.add(socket);
      socket.once("close", () => this.tcp.delete(socket));
    });
    // Over TLS a request's socket is the TLS socket, which 'secureConnection' gives (not the TCP one under it).
    server.on(server instanceof TlsServer ? "secureConnection" : "connection", (socket: Socket) => {
      this.open.set(socket, 0);
      socket.once("close", () => this.open.delete(socket));
    });
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      const socket = request.socket;
      const busy = this.open.get(socket);
      if (busy === undefined) return;
      this.open.set(socket, busy + 1);
      response.once("close", () => {
        const busy = this.open.get(socket);
        if (busy !== undefined) this.open.set(socket, busy - 1);
      });
    });
  }

  /** Open connections (WebSocket ones included). */
  get count(): number {
    return this.open.size;
  }

  /** Closes every connection with no request in progress. */
  closeIdle(): void {
    for (const [socket, busy] of this.open) if (busy === 0) socket.destroy();
  }

  /** Closes every connection, busy or not, and those still in a TLS handshake. */
  closeAll(): void {
    for (const socket of this.open.keys()) socket.destroy();
    for (const socket of this.tcp) socket.destroy();
  }
}
