/**
 * `tributary serve` stopping under clients that hold keep-alive connections: a request that arrives on one while the
 * service stops gets an answer (503 shutting-down, `Connection: close`), not a connection reset.
 */
import { readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { afterAll, describe, expect, it } from "vitest";
import {
  call,
  restingOrder,
  type ServiceProcess,
  serviceConfig,
  startServiceProcess,
  tempDir,
} from "./service-fixtures.js";
import { selfSignedCert } from "./tls-fixtures.js";

const DESK = "desk-shutdown-token";

const started: ServiceProcess[] = [];
afterAll(async () => {
  for (const s of started) {
    await s.stop("SIGKILL");
    rmSync(s.dir, { recursive: true, force: true });
  }
});

/** A raw keep-alive HTTP/1.1 connection: what it received, and how it ended. */
interface RawClient {
  readonly socket: Socket;
  received: string;
  error: string | null;
  readonly ended: Promise<void>;
}

/** A raw connection to the service; over TLS (an https URL) trusting `ca`. */
async function rawClient(url: string, ca?: Buffer): Promise<RawClient> {
  const { hostname, port, protocol } = new URL(url);
  const socket =
    protocol === "https:" ? connectTls({ port: Number(port), host: hostname, ca }) : connect(Number(port), hostname);
  const ready = protocol === "https:" ? "secureConnect" : "connect";
  await new Promise<void>((resolve, reject) => socket.once(ready, resolve).once("error", reject));
  socket.setEncoding("utf8");
  const client: RawClient = {
    socket,
    received: "",
    error: null,
    ended: new Promise<void>((resolve) => socket.once("close", () => resolve())),
  };
  socket.on("data", (chunk: string) => {
    client.received += chunk;
  });
  socket.on("error", (error: NodeJS.ErrnoException) => {
    client.error = error.code ?? error.message;
  });
  return client;
}

const post = (clOrdId: string): string => {
  const body = JSON.stringify(restingOrder(clOrdId, "D1"));
  return [
    "POST /orders HTTP/1.1",
    "Host: tributary",
    `Authorization: Bearer ${DESK}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join("\r\n");
};

/** `serve` over HTTPS with a certificate of its own and these shutdown settings; `ca` trusts it. */
async function startHttps(shutdown: Record<string, unknown>): Promise<{ service: ServiceProcess; ca: Buffer }> {
  const dir = tempDir();
  const { cert, key } = selfSignedCert(dir, "server");
  const config = serviceConfig(dir, { sources: [{ id: "DESK", token: DESK }], http: { tls: { cert, key } }, shutdown });
  const service = await startServiceProcess(dir, config);
  started.push(service);
  return { service, ca: readFileSync(cert) };
}

describe("serve stopping with keep-alive clients", () => {
  it("answers requests sent during the stop with 503 shutting-down and Connection: close, then exits 0", async () => {
    const dir = tempDir();
    const service = await startServiceProcess(dir, serviceConfig(dir, { sources: [{ id: "DESK", token: DESK }] }));
    started.push(service);
    // Each connection is used once, then left idle and kept alive: the connections a pooling client holds.
    const clients = await Promise.all(Array.from({ length: 20 }, () => rawClient(service.url)));
    for (const [i, c] of clients.entries()) c.socket.write(post(`before-${i}`));
    const answered = (c: RawClient) => c.received.includes("\r\n\r\n{");
    const deadline = Date.now() + 10_000;
    while (!clients.every(answered) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(clients.map((c) => c.received.split("\r\n")[0])).toEqual(clients.map(() => "HTTP/1.1 201 Created"));
    for (const c of clients) c.received = "";

    // And one connection that stays silent: the drain does not wait for it beyond `shutdown.drainSeconds`, and it is
    // closed cleanly.
    const silent = await rawClient(service.url);
    const stopAsked = Date.now();
    service.child.kill("SIGTERM");
    while (!service.logs.some((l) => l.msg === "stopping: intake closed")) await new Promise((r) => setTimeout(r, 5));
    for (const [i, c] of clients.entries()) c.socket.write(post(`at-stop-${i}`));
    expect(await service.exited).toBe(0);
    await Promise.all([...clients, silent].map((c) => c.ended));
    expect(Date.now() - stopAsked).toBeLessThan(5_000);
    expect([silent.error, silent.received]).toEqual([null, ""]);

    const outcomes = clients.map((c) => c.error ?? c.received.split("\r\n")[0]);
    expect(outcomes).toEqual(clients.map(() => "HTTP/1.1 503 Service Unavailable"));
    for (const c of clients) {
      expect(c.received.toLowerCase()).toContain("connection: close");
      expect(c.received).toContain('"error":"shutting-down"');
    }
  });
  it("pipelined orders: answered in order while open; at the stop refused, and none behind the refusal is taken", async () => {
    const dir = tempDir();
    const service = await startServiceProcess(dir, serviceConfig(dir, { sources: [{ id: "DESK", token: DESK }] }));
    started.push(service);
    const client = await rawClient(service.url);
    // Three requests in one write, before any answer: HTTP/1.1 pipelining.
    client.socket.write(post("pipe-1") + post("pipe-2") + post("pipe-3"));
    // Each answer's status line (a body is not followed by a line break: the next answer starts right after it).
    const statusLines = () => [...client.received.matchAll(/HTTP\/1\.1 \d{3} [^\r]*/g)].map((m) => m[0]);
    const deadline = Date.now() + 10_000;
    while (statusLines().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(statusLines()).toEqual(["HTTP/1.1 201 Created", "HTTP/1.1 201 Created", "HTTP/1.1 201 Created"]);
    expect([...client.received.matchAll(/"cl_ord_id":"(pipe-\d)"/g)].map((m) => m[1])).toEqual([
      "pipe-1",
      "pipe-2",
      "pipe-3",
    ]);
    client.received = "";

    service.child.kill("SIGTERM");
    while (!service.logs.some((l) => l.msg === "stopping: intake closed")) await new Promise((r) => setTimeout(r, 5));
    client.socket.write(post("stop-1") + post("stop-2") + post("stop-3"));
    expect(await service.exited).toBe(0);
    await client.ended;
    // The first is refused with Connection: close and the connection ends; nothing behind it is accepted (Node does
    // not answer what was pipelined behind a closing answer).
    expect(statusLines()[0]).toBe("HTTP/1.1 503 Service Unavailable");
    expect(statusLines().filter((l) => l !== "HTTP/1.1 503 Service Unavailable")).toEqual([]);
    expect(client.received.toLowerCase()).toContain("connection: close");

    // Nothing behind the refused request was taken either: after a restart the engine knows the first three only.
    const resumed = await startServiceProcess(dir, join(dir, "serve.yaml"), ["--resume"]);
    started.push(resumed);
    for (const id of ["pipe-1", "pipe-2", "pipe-3"])
      expect((await call(resumed.url, "GET", `/orders/${id}`, DESK)).status, id).toBe(200);
    for (const id of ["stop-1", "stop-2", "stop-3"])
      expect((await call(resumed.url, "GET", `/orders/${id}`, DESK)).status, id).toBe(404);
  });
  it("over HTTPS too: the drain ends as soon as the clients have hung up", async () => {
    const { service, ca } = await startHttps({ drainSeconds: 10, graceSeconds: 20 });
    const clients = await Promise.all(Array.from({ length: 10 }, () => rawClient(service.url, ca)));
    const stopAsked = Date.now();
    service.child.kill("SIGTERM");
    while (!service.logs.some((l) => l.msg === "stopping: intake closed")) await new Promise((r) => setTimeout(r, 5));
    for (const [i, c] of clients.entries()) c.socket.write(post(`tls-${i}`));
    expect(await service.exited).toBe(0);
    await Promise.all(clients.map((c) => c.ended));
    expect(clients.map((c) => c.error ?? c.received.split("\r\n")[0])).toEqual(
      clients.map(() => "HTTP/1.1 503 Service Unavailable"),
    );
    // Well before drainSeconds: every client was answered with Connection: close and hung up.
    expect(Date.now() - stopAsked).toBeLessThan(5_000);
  });
  it("over HTTPS a connection that never finishes its handshake does not hold the stop past the grace limit", async () => {
    const { service } = await startHttps({ drainSeconds: 0.2, graceSeconds: 1 });
    // A plain TCP connection to the HTTPS port that says nothing: the TLS handshake never starts.
    const { hostname, port } = new URL(service.url);
    const mute = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => mute.once("connect", resolve).once("error", reject));
    mute.on("error", () => {});
    const stopAsked = Date.now();
    service.child.kill("SIGTERM");
    expect(await service.exited).toBe(0);
    // Without closing it, the stop waits for Node's TLS handshake timeout (120 s).
    expect(Date.now() - stopAsked).toBeLessThan(10_000);
    mute.destroy();
  });
});
