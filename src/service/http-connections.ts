/**
 * The HTTP server's open connections and which of them have a request in progress, for a stop: Node's own
 * `closeIdleConnections` leaves a connection that has not sent a request yet open, so a client that connected and
 * said nothing would hold the stop until the grace limit. Here an idle connection is any that has no request in
 * progress, whether or not it ever sent one.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Server as TlsServer } from "node:tls";

export class HttpConnections {
  /** Each open connection, with its requests in progress (more than one when a client pipelines). */
  private readonly open = new Map<Socket, number>();

  constructor(server: Server) {
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

  /** Closes every connection with no request in progress; returns how many stay open. */
  closeIdle(): number {
    for (const [socket, busy] of this.open) if (busy === 0) socket.destroy();
    return this.open.size;
  }
}
